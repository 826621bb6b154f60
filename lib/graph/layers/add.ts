import { elementwiseMerge } from "./merge";

export const add = elementwiseMerge("Add");
