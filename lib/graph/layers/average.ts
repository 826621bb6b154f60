import { elementwiseMerge } from "./merge";

export const average = elementwiseMerge("Average");
