import { activationLayer } from "./activation";

export const tanh = activationLayer("Tanh", "tanh", "Tanh", "Hyperbolic tangent: squashes to (-1, 1).");
