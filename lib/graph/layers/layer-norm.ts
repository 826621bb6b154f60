import { z } from "zod";
import { applyLayer, defineLayer, firstInput, lastDim } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";
import { elementwiseFlops } from "./common";

export const layerNorm = defineLayer({
  type: "LayerNorm",
  label: "LayerNorm",
  category: "normalization",
  description: "Normalises each sample over its last axis, then scales and shifts it (the transformer's normaliser).",
  params: z.strictObject({
    epsilon: z.number().gt(0).max(1).default(0.001).describe("Added to the variance to avoid dividing by zero"),
  }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes) => firstInput(shapes),
  paramCount: (shapes) => 2 * lastDim(firstInput(shapes), "LayerNorm"),
  flops: (shapes) => elementwiseFlops(firstInput(shapes), 5),
  build: ({ tf, params, inputs, name }) => applyLayer(tf.layers.layerNormalization({ axis: -1, epsilon: params.epsilon, name }), inputs),
  codegen: {
    pytorch: ({ params, inputShapes }) => ({
      module: pyCall("nn.LayerNorm", [lastDim(firstInput(inputShapes), "LayerNorm")], { eps: params.epsilon }),
      forward: ([x], self) => `${self}(${x})`,
    }),
    keras: ({ params }) => ({ layer: kerasLayer("LayerNormalization", [], { epsilon: params.epsilon }) }),
    tfjs: ({ params }) => ({ layer: tfjsLayer("layerNormalization", { axis: -1, epsilon: params.epsilon }) }),
  },
  example: { inputs: [{ shape: [5, 4] }] },
});
