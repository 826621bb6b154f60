import { z } from "zod";
import { applyLayer, defineLayer, firstInput, ShapeError } from "../layer";
import { kerasLayer, tfjsLayer } from "../snippets/literals";

export const permute = defineLayer({
  type: "Permute",
  label: "Permute",
  category: "reshape",
  description: "Reorders the axes of each sample, e.g. [2, 1] swaps steps and features.",
  params: z.strictObject({
    dims: z.array(z.number().int().min(1).max(4)).min(1).max(4).default([2, 1]).describe("New order of the sample's axes, counted from 1"),
  }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes, p) => {
    const shape = firstInput(shapes);
    const sorted = [...p.dims].sort((a, b) => a - b);
    if (p.dims.length !== shape.length || sorted.some((d, i) => d !== i + 1)) {
      throw new ShapeError(`dims must be a permutation of 1..${shape.length}, got [${p.dims.join(", ")}]`);
    }
    return p.dims.map((d) => shape[d - 1] ?? null);
  },
  paramCount: () => 0,
  build: ({ tf, params, inputs, name }) => applyLayer(tf.layers.permute({ dims: params.dims, name }), inputs),
  codegen: {
    pytorch: ({ params }) => ({ forward: ([x]) => `${x}.permute(0, ${params.dims.join(", ")})` }),
    keras: ({ params }) => ({ layer: kerasLayer("Permute", [params.dims]) }),
    tfjs: ({ params }) => ({ layer: tfjsLayer("permute", { dims: params.dims }) }),
  },
  example: { inputs: [{ shape: [3, 4] }], params: { dims: [2, 1] } },
});
