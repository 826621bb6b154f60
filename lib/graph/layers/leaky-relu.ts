import { z } from "zod";
import { applyLayer, defineLayer, firstInput } from "../layer";
import { kerasLayer, tfjsLayer } from "../snippets/literals";
import { elementwiseFlops } from "./common";

export const leakyRelu = defineLayer({
  type: "LeakyReLU",
  label: "LeakyReLU",
  category: "activation",
  description: "Like ReLU, but negative inputs keep a small slope instead of dying.",
  params: z.strictObject({ alpha: z.number().min(0).max(1).default(0.3).describe("Slope for negative inputs") }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes) => firstInput(shapes),
  paramCount: () => 0,
  flops: (shapes) => elementwiseFlops(firstInput(shapes), 2),
  build: ({ tf, params, inputs, name }) => applyLayer(tf.layers.leakyReLU({ alpha: params.alpha, name }), inputs),
  codegen: {
    pytorch: ({ params }) => ({ forward: ([x]) => `F.leaky_relu(${x}, ${params.alpha})` }),
    keras: ({ params }) => ({ layer: kerasLayer("LeakyReLU", [], { negative_slope: params.alpha }) }),
    tfjs: ({ params }) => ({ layer: tfjsLayer("leakyReLU", { alpha: params.alpha }) }),
  },
  example: { inputs: [{ shape: [6] }] },
});
