import { z } from "zod";
import { applyLayer, defineLayer, firstInput, type LayerDefinition } from "../layer";
import { kerasLayer, tfjsLayer } from "../snippets/literals";
import { elementwiseFlops, pytorchActivation, type ActivationName } from "./common";

/** An activation node: shape-preserving, no weights. Each parameterless activation type is one call of this. */
export function activationLayer(type: string, fn: ActivationName, label: string, description: string): LayerDefinition<Record<string, never>> {
  return defineLayer({
    type,
    label,
    category: "activation",
    description,
    params: z.strictObject({}),
    inputs: { min: 1, max: 1 },
    inferShape: (shapes) => firstInput(shapes),
    paramCount: () => 0,
    flops: (shapes) => elementwiseFlops(firstInput(shapes), 4),
    build: ({ tf, inputs, name }) => applyLayer(tf.layers.activation({ activation: fn, name }), inputs),
    codegen: {
      pytorch: () => ({ forward: ([x]) => pytorchActivation(fn, x) }),
      keras: () => ({ layer: kerasLayer("Activation", [fn]) }),
      tfjs: () => ({ layer: tfjsLayer("activation", { activation: fn }) }),
    },
    example: { inputs: [{ shape: [6] }] },
  });
}
