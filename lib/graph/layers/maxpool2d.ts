import { pool2d } from "./pooling";

export const maxPool2d = pool2d("max");
