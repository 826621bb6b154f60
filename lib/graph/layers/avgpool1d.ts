import { pool1d } from "./pooling";

export const avgPool1d = pool1d("avg");
