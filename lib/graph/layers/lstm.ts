import { recurrentLayer } from "./recurrent";

export const lstm = recurrentLayer("LSTM");
