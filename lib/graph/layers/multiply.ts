import { elementwiseMerge } from "./merge";

export const multiply = elementwiseMerge("Multiply");
