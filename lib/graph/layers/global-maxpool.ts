import { globalPool } from "./pooling";

export const globalMaxPool = globalPool("max");
