import { z } from "zod";
import { applyLayer, defineLayer, firstInput, lastDim } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";
import { CHANNELS_LAST } from "../snippets/pytorch-helpers";
import { elementwiseFlops } from "./common";

export const batchNorm = defineLayer({
  type: "BatchNorm",
  label: "BatchNorm",
  category: "normalization",
  description: "Normalises each channel over the batch, then scales and shifts it; steadies and speeds up training.",
  params: z.strictObject({
    momentum: z.number().min(0).max(0.9999).default(0.99).describe("How slowly the running mean and variance follow each batch"),
    epsilon: z.number().gt(0).max(1).default(0.001).describe("Added to the variance to avoid dividing by zero"),
  }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes) => firstInput(shapes),
  // Trainable: a scale and a shift per channel (the running statistics are not trained).
  paramCount: (shapes) => 2 * lastDim(firstInput(shapes), "BatchNorm"),
  flops: (shapes) => elementwiseFlops(firstInput(shapes), 4),
  build: ({ tf, params, inputs, name }) => applyLayer(tf.layers.batchNormalization({ axis: -1, momentum: params.momentum, epsilon: params.epsilon, name }), inputs),
  codegen: {
    pytorch: ({ params, inputShapes }) => {
      const shape = firstInput(inputShapes);
      const channels = lastDim(shape, "BatchNorm");
      const rank = Math.min(3, Math.max(1, shape.length - 1));
      // PyTorch's momentum weighs the new batch; Keras's weighs the running value.
      const norm = pyCall(`nn.BatchNorm${rank}d`, [channels], { eps: params.epsilon, momentum: Number((1 - params.momentum).toFixed(6)) });
      return shape.length === 1 ? { module: norm, forward: ([x], self) => `${self}(${x})` } : { module: `ChannelsLast(${norm})`, helpers: [CHANNELS_LAST], forward: ([x], self) => `${self}(${x})` };
    },
    keras: ({ params }) => ({ layer: kerasLayer("BatchNormalization", [], { momentum: params.momentum, epsilon: params.epsilon }) }),
    tfjs: ({ params }) => ({ layer: tfjsLayer("batchNormalization", { axis: -1, momentum: params.momentum, epsilon: params.epsilon }) }),
  },
  example: { inputs: [{ shape: [4, 4, 3] }] },
});
