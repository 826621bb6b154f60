import { z } from "zod";
import { applyLayer, defineLayer, firstInput, ShapeError } from "../layer";
import { kerasLayer, tfjsLayer } from "../snippets/literals";
import { formatShape } from "../types";
import { MERGE_INPUTS } from "./merge";

export const concatenate = defineLayer({
  type: "Concatenate",
  label: "Concatenate",
  category: "merge",
  description: "Joins its inputs along one axis (the channels by default), e.g. the skip connections of a U-Net.",
  params: z.strictObject({
    axis: z
      .number()
      .int()
      .min(-4)
      .max(4)
      .refine((a) => a !== 0, "axis 0 is the batch")
      .default(-1)
      .describe("Axis to join along: -1 is the last; 1 the first after the batch"),
  }),
  inputs: MERGE_INPUTS,
  inferShape: (shapes, p) => {
    const first = firstInput(shapes);
    const axis = p.axis < 0 ? first.length + p.axis : p.axis - 1;
    if (axis < 0 || axis >= first.length) throw new ShapeError(`axis ${p.axis} does not exist for inputs of rank ${first.length}`);
    let joined = 0;
    for (const shape of shapes) {
      const mismatch = shape.length !== first.length || shape.some((d, i) => i !== axis && d !== first[i]);
      if (mismatch) throw new ShapeError(`inputs must agree on every axis but ${p.axis}: got ${shapes.map(formatShape).join(" and ")}`);
      joined += shape[axis] ?? 0;
    }
    return first.map((d, i) => (i === axis ? joined : d));
  },
  paramCount: () => 0,
  build: ({ tf, params, inputs, name }) => applyLayer(tf.layers.concatenate({ axis: params.axis, name }), inputs),
  codegen: {
    pytorch: ({ params }) => ({ forward: (xs) => `torch.cat([${xs.join(", ")}], dim=${params.axis})` }),
    keras: ({ params }) => ({ layer: kerasLayer("Concatenate", [], { axis: params.axis }) }),
    tfjs: ({ params }) => ({ layer: tfjsLayer("concatenate", { axis: params.axis }) }),
  },
  example: { inputs: [{ shape: [3, 6] }, { shape: [3, 4] }] },
});
