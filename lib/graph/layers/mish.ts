import { activationLayer } from "./activation";

export const mish = activationLayer("Mish", "mish", "Mish", "x · tanh(softplus(x)): a smooth self-gated activation.");
