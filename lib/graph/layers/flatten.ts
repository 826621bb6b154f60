import type { SymbolicTensor } from "@tensorflow/tfjs";
import { z } from "zod";
import { defineLayer, firstInput, single, volume } from "../layer";

export const flatten = defineLayer({
  type: "Flatten",
  label: "Flatten",
  category: "reshape",
  description: "Folds all dimensions but the batch into one, e.g. [28, 28, 1] → [784].",
  params: z.strictObject({}),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes) => [volume(firstInput(shapes), "Flatten")],
  paramCount: () => 0,
  build: ({ tf, inputs, name }) => tf.layers.flatten({ name }).apply(single(inputs)) as SymbolicTensor,
});
