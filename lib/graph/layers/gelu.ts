import { activationLayer } from "./activation";

export const gelu = activationLayer("GELU", "gelu", "GELU", "x · Φ(x), the Gaussian error linear unit of transformers (exact, erf-based).");
