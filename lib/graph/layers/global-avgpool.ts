import { globalPool } from "./pooling";

export const globalAvgPool = globalPool("avg");
