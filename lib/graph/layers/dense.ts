import type { SymbolicTensor } from "@tensorflow/tfjs";
import { z } from "zod";
import { defineLayer, firstInput, lastDim, single } from "../layer";
import { activationParam } from "./common";

export const dense = defineLayer({
  type: "Dense",
  label: "Dense",
  category: "core",
  description: "Fully connected layer: every output unit sees every input feature of the last axis.",
  params: z.strictObject({
    units: z.number().int().min(1).max(65_536).default(64).describe("Number of output units"),
    activation: activationParam,
    useBias: z.boolean().default(true).describe("Add a learned bias to each unit"),
  }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes, p) => [...firstInput(shapes).slice(0, -1), p.units],
  paramCount: (shapes, p) => lastDim(firstInput(shapes), "Dense") * p.units + (p.useBias ? p.units : 0),
  build: ({ tf, params, inputs, name, seed }) =>
    tf.layers
      .dense({
        units: params.units,
        activation: params.activation,
        useBias: params.useBias,
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        name,
      })
      .apply(single(inputs)) as SymbolicTensor,
});
