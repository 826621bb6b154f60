import { activationLayer } from "./activation";

export const selu = activationLayer("SELU", "selu", "SELU", "Scaled ELU: keeps activations normalised in deep plain networks.");
