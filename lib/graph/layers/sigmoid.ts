import { activationLayer } from "./activation";

export const sigmoid = activationLayer("Sigmoid", "sigmoid", "Sigmoid", "1 / (1 + e^-x): squashes to (0, 1), for binary outputs.");
