import { recurrentLayer } from "./recurrent";

export const gru = recurrentLayer("GRU");
