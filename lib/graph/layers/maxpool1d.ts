import { pool1d } from "./pooling";

export const maxPool1d = pool1d("max");
