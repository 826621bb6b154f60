import { z } from "zod";
import { applyLayer, defineLayer, firstInput, lastDim } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";
import { PRELU_LAST } from "../snippets/pytorch-helpers";
import { elementwiseFlops } from "./common";

/** Axes (counted with the batch as 0) that share one slope: all but the channels. */
const sharedAxes = (rank: number) => Array.from({ length: rank - 1 }, (_, i) => i + 1);

export const prelu = defineLayer({
  type: "PReLU",
  label: "PReLU",
  category: "activation",
  description: "Leaky ReLU whose negative slope is learned, one per channel.",
  params: z.strictObject({}),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes) => firstInput(shapes),
  paramCount: (shapes) => lastDim(firstInput(shapes), "PReLU"),
  flops: (shapes) => elementwiseFlops(firstInput(shapes), 2),
  build: ({ tf, inputs, name }) => {
    const rank = (inputs[0]?.shape.length ?? 2) - 1;
    return applyLayer(tf.layers.prelu({ sharedAxes: rank > 1 ? sharedAxes(rank) : undefined, name }), inputs);
  },
  codegen: {
    pytorch: ({ inputShapes }) => ({
      module: pyCall("PReLULast", [lastDim(firstInput(inputShapes), "PReLU")]),
      helpers: [PRELU_LAST],
      forward: ([x], self) => `${self}(${x})`,
    }),
    keras: ({ inputShapes }) => {
      const rank = firstInput(inputShapes).length;
      return { layer: kerasLayer("PReLU", [], { shared_axes: rank > 1 ? sharedAxes(rank) : undefined }) };
    },
    tfjs: ({ inputShapes }) => {
      const rank = firstInput(inputShapes).length;
      return { layer: tfjsLayer("prelu", { sharedAxes: rank > 1 ? sharedAxes(rank) : undefined }) };
    },
  },
  example: { inputs: [{ shape: [4, 3] }] },
});
