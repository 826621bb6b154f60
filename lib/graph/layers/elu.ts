import { z } from "zod";
import { applyLayer, defineLayer, firstInput } from "../layer";
import { kerasLayer, tfjsLayer } from "../snippets/literals";
import { elementwiseFlops } from "./common";

export const elu = defineLayer({
  type: "ELU",
  label: "ELU",
  category: "activation",
  description: "Exponential linear unit: smooth for negative inputs, saturating at -alpha.",
  params: z.strictObject({ alpha: z.number().gt(0).max(10).default(1).describe("Value negative inputs approach") }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes) => firstInput(shapes),
  paramCount: () => 0,
  flops: (shapes) => elementwiseFlops(firstInput(shapes), 4),
  build: ({ tf, params, inputs, name }) => applyLayer(tf.layers.elu({ alpha: params.alpha, name }), inputs),
  codegen: {
    pytorch: ({ params }) => ({ forward: ([x]) => `F.elu(${x}, ${params.alpha})` }),
    keras: ({ params }) => ({ layer: kerasLayer("ELU", [], { alpha: params.alpha }) }),
    tfjs: ({ params }) => ({ layer: tfjsLayer("elu", { alpha: params.alpha }) }),
  },
  example: { inputs: [{ shape: [6] }] },
});
