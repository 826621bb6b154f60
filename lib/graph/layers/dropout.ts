import { z } from "zod";
import { applyLayer, defineLayer, firstInput } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";

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
  // No seed here: tfjs would reuse one mask on every batch; the training loop seeds each step instead (seedDropout), so steps replay.
  build: ({ tf, params, inputs, name }) => applyLayer(tf.layers.dropout({ rate: params.rate, name }), inputs),
  codegen: {
    pytorch: ({ params }) => ({ module: pyCall("nn.Dropout", [params.rate]), forward: ([x], self) => `${self}(${x})` }),
    keras: ({ params }) => ({ layer: kerasLayer("Dropout", [params.rate]) }),
    tfjs: ({ params }) => ({ layer: tfjsLayer("dropout", { rate: params.rate }) }),
  },
  example: { inputs: [{ shape: [8] }], params: { rate: 0.5 } },
});
