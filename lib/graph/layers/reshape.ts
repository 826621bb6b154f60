import { z } from "zod";
import { applyLayer, defineLayer, firstInput, ShapeError, volume } from "../layer";
import { kerasLayer, tfjsLayer } from "../snippets/literals";

export const reshape = defineLayer({
  type: "Reshape",
  label: "Reshape",
  category: "reshape",
  description: "Rearranges the values of each sample into a new shape with the same number of elements.",
  params: z.strictObject({
    targetShape: z.array(z.number().int().min(1).max(1_000_000)).min(1).max(4).default([28, 28, 1]).describe("Shape of one sample after reshaping, without the batch dimension"),
  }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes, p) => {
    const have = volume(firstInput(shapes), "Reshape");
    const want = volume(p.targetShape, "Reshape");
    if (have !== want) throw new ShapeError(`cannot reshape ${have} values into ${want} (target [${p.targetShape.join(", ")}])`);
    return p.targetShape;
  },
  paramCount: () => 0,
  build: ({ tf, params, inputs, name }) => applyLayer(tf.layers.reshape({ targetShape: params.targetShape, name }), inputs),
  codegen: {
    pytorch: ({ params }) => ({ forward: ([x]) => `${x}.reshape(${x}.shape[0], ${params.targetShape.join(", ")})` }),
    keras: ({ params }) => ({ layer: kerasLayer("Reshape", [params.targetShape]) }),
    tfjs: ({ params }) => ({ layer: tfjsLayer("reshape", { targetShape: params.targetShape }) }),
  },
  example: { inputs: [{ shape: [12] }], params: { targetShape: [3, 4] } },
});
