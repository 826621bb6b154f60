import { activationLayer } from "./activation";

export const swish = activationLayer("Swish", "swish", "Swish", "x · sigmoid(x) (also called SiLU): smooth, often better than ReLU in deep nets.");
