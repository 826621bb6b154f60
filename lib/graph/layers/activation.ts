import type { SymbolicTensor } from "@tensorflow/tfjs";
import { z } from "zod";
import { defineLayer, firstInput, single, type LayerDefinition } from "../layer";

type Elementwise = "relu" | "sigmoid" | "tanh" | "softmax";

/** An activation node: shape-preserving, no weights. Each activation type is one call of this. */
export function activationLayer(
  type: string,
  fn: Elementwise,
  label: string,
  description: string,
): LayerDefinition<Record<string, never>> {
  return defineLayer({
    type,
    label,
    category: "activation",
    description,
    params: z.strictObject({}),
    inputs: { min: 1, max: 1 },
    inferShape: (shapes) => firstInput(shapes),
    paramCount: () => 0,
    build: ({ tf, inputs, name }) => tf.layers.activation({ activation: fn, name }).apply(single(inputs)) as SymbolicTensor,
  });
}
