import type { SymbolicTensor } from "@tensorflow/tfjs";
import { z } from "zod";
import { defineLayer, firstInput, single } from "../layer";

export const dropout = defineLayer({
  type: "Dropout",
  label: "Dropout",
  category: "regularization",
  description: "During training, zeroes a random share of its inputs to fight overfitting; a no-op at inference.",
  params: z.strictObject({
    rate: z.number().min(0).max(0.95).default(0.2).describe("Share of inputs dropped while training (0 to 0.95)"),
  }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes) => firstInput(shapes),
  paramCount: () => 0,
  // No seed: tfjs reuses a seeded dropout mask on every batch, which would stop it regularising.
  build: ({ tf, params, inputs, name }) => tf.layers.dropout({ rate: params.rate, name }).apply(single(inputs)) as SymbolicTensor,
});
