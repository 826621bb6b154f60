import { pool2d } from "./pooling";

export const avgPool2d = pool2d("avg");
