import { z } from "zod";
import { applyLayer, defineLayer, lastDim, ShapeError } from "../layer";
import { js, pyCall } from "../snippets/literals";
import { formatShape, type Shape } from "../types";
import { sequenceShape } from "./common";
import { customLayers, TFJS_SOURCES } from "./custom-tfjs";

/** Query and value shapes: one input attends to itself; with two, the first attends to the second. */
function shapesOf(shapes: Shape[]): { steps: number; depth: number; sourceSteps: number; valueDepth: number } {
  const [steps, depth] = sequenceShape(shapes[0] ?? [], "MultiHeadAttention");
  const [sourceSteps, valueDepth] = sequenceShape(shapes[1] ?? shapes[0] ?? [], "MultiHeadAttention");
  return { steps, depth, sourceSteps, valueDepth };
}

export const multiHeadAttention = defineLayer({
  type: "MultiHeadAttention",
  label: "MultiHeadAttention",
  category: "attention",
  description: "Scaled dot-product attention with several heads. One input: self-attention; two: the first (query) attends to the second (key and value).",
  params: z.strictObject({
    numHeads: z.number().int().min(1).max(128).default(4).describe("Number of attention heads; must divide the query's depth"),
    dropout: z.number().min(0).max(0.9).default(0).describe("Dropout on the attention weights while training"),
  }),
  inputs: { min: 1, max: 2 },
  inferShape: (shapes, p) => {
    const { depth } = shapesOf(shapes);
    if (depth % p.numHeads !== 0) throw new ShapeError(`numHeads ${p.numHeads} must divide the query depth ${depth} (input ${formatShape(shapes[0] ?? [])})`);
    return shapes[0] as Shape;
  },
  // Query, key, value and output projections, each with a bias (as Keras and PyTorch count them).
  paramCount: (shapes) => {
    const { depth, valueDepth } = shapesOf(shapes);
    return 2 * (depth * depth + depth) + 2 * (valueDepth * depth + depth);
  },
  flops: (shapes) => {
    const { steps, depth, sourceSteps, valueDepth } = shapesOf(shapes);
    return 2 * (steps * depth * depth * 2 + sourceSteps * valueDepth * depth * 2 + 2 * steps * sourceSteps * depth);
  },
  build: ({ tf, params, inputs, name }) => applyLayer(new (customLayers(tf).CyxMultiHeadAttention)({ numHeads: params.numHeads, dropout: params.dropout, name }), inputs),
  codegen: {
    pytorch: ({ params, inputShapes }) => {
      const { depth, valueDepth } = shapesOf(inputShapes);
      const differs = valueDepth !== depth;
      return {
        module: pyCall("nn.MultiheadAttention", [depth, params.numHeads], {
          dropout: params.dropout || undefined,
          kdim: differs ? valueDepth : undefined,
          vdim: differs ? valueDepth : undefined,
          batch_first: true,
        }),
        forward: ([q, v], self) => `${self}(${q}, ${v ?? q}, ${v ?? q}, need_weights=False)[0]`,
      };
    },
    keras: ({ params, inputShapes }) => ({
      layer: pyCall("layers.MultiHeadAttention", [params.numHeads, lastDim(inputShapes[0] ?? [], "MultiHeadAttention") / params.numHeads], { dropout: params.dropout || undefined }),
      call: (layer, [q, v]) => `${layer}(${q}, ${v ?? q})`,
    }),
    tfjs: ({ params }) => ({
      layer: `new CyxMultiHeadAttention(${js({ numHeads: params.numHeads, dropout: params.dropout || undefined })})`,
      helpers: TFJS_SOURCES.attention,
    }),
  },
  example: { inputs: [{ shape: [5, 8] }, { shape: [3, 6] }], params: { numHeads: 2 } },
});
