import { recurrentLayer } from "./recurrent";

export const simpleRnn = recurrentLayer("SimpleRNN");
