import { z } from "zod";
import { applyLayer, defineLayer, ShapeError, type LayerDefinition } from "../layer";
import { kerasLayer, tfjsLayer } from "../snippets/literals";
import { formatShape, type Shape } from "../types";
import { elementwiseFlops } from "./common";

export const MERGE_INPUTS = { min: 2, max: 8 };

type Elementwise = "Add" | "Multiply" | "Average";

const OPS: Record<Elementwise, { description: string; tfjs: "add" | "multiply" | "average"; pytorch: (xs: string[]) => string }> = {
  Add: { description: "Sums its inputs element by element (residual connections).", tfjs: "add", pytorch: (xs) => xs.join(" + ") },
  Multiply: { description: "Multiplies its inputs element by element (gating).", tfjs: "multiply", pytorch: (xs) => xs.join(" * ") },
  Average: { description: "Averages its inputs element by element (ensembles).", tfjs: "average", pytorch: (xs) => `(${xs.join(" + ")}) / ${xs.length}` },
};

function sameShapes(shapes: Shape[], layer: string): Shape {
  const [first, ...rest] = shapes;
  if (!first) throw new ShapeError("missing input");
  for (const other of rest) {
    if (other.length !== first.length || other.some((d, i) => d !== first[i])) {
      throw new ShapeError(`${layer} needs inputs of one shape, got ${shapes.map(formatShape).join(" and ")}`);
    }
  }
  return first;
}

/** Add, Multiply and Average: element-wise merges of 2 to 8 inputs of one shape. */
export function elementwiseMerge(type: Elementwise): LayerDefinition<Record<string, never>> {
  const op = OPS[type];
  return defineLayer({
    type,
    label: type,
    category: "merge",
    description: op.description,
    params: z.strictObject({}),
    inputs: MERGE_INPUTS,
    inferShape: (shapes) => sameShapes(shapes, type),
    paramCount: () => 0,
    flops: (shapes, _p, out) => elementwiseFlops(out, shapes.length - 1),
    build: ({ tf, inputs, name }) => applyLayer(tf.layers[op.tfjs]({ name }), inputs),
    codegen: {
      pytorch: () => ({ forward: (xs) => op.pytorch(xs) }),
      keras: () => ({ layer: kerasLayer(type) }),
      tfjs: () => ({ layer: tfjsLayer(op.tfjs, {}) }),
    },
    example: { inputs: [{ shape: [3, 4] }, { shape: [3, 4] }, { shape: [3, 4] }] },
  });
}
