import { activationLayer } from "./activation";

export const relu = activationLayer("ReLU", "relu", "ReLU", "max(0, x): the default hidden-layer activation.");
