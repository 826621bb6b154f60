import { z } from "zod";
import { applyLayer, defineLayer, firstInput, ShapeError, volume } from "../layer";
import { formatShape } from "../types";
import { kerasLayer, tfjsLayer } from "../snippets/literals";

export const flatten = defineLayer({
  type: "Flatten",
  label: "Flatten",
  category: "reshape",
  description: "Folds all dimensions but the batch into one, e.g. [28, 28, 1] → [784].",
  params: z.strictObject({}),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes) => {
    const shape = firstInput(shapes);
    if (shape.length < 2) throw new ShapeError(`the input is already flat (${formatShape(shape)}); remove this Flatten`);
    return [volume(shape, "Flatten")];
  },
  paramCount: () => 0,
  build: ({ tf, inputs, name }) => applyLayer(tf.layers.flatten({ name }), inputs),
  codegen: {
    pytorch: () => ({ forward: ([x]) => `torch.flatten(${x}, 1)` }),
    keras: () => ({ layer: kerasLayer("Flatten") }),
    tfjs: () => ({ layer: tfjsLayer("flatten", {}) }),
  },
  example: { inputs: [{ shape: [4, 4, 2] }] },
});
