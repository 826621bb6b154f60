import { activationLayer } from "./activation";

export const softmax = activationLayer("Softmax", "softmax", "Softmax", "Turns the last axis into probabilities that sum to 1, for multi-class outputs.");
