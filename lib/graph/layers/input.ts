import { z } from "zod";
import { defineLayer } from "../layer";

export const input = defineLayer({
  type: "Input",
  label: "Input",
  category: "input",
  description: "Where samples enter the model. Its shape (without the batch) must match the dataset's features; a Dataset (or data steps) may feed its data input.",
  params: z.strictObject({
    shape: z
      .array(z.number().int().min(1).max(1_000_000))
      .min(1)
      .max(4)
      .default([28, 28, 1])
      .describe("Shape of one sample, without the batch dimension: [28, 28, 1] for the built-in digits, [2] for a pair of numbers"),
    dtype: z.enum(["float32", "int32"]).default("float32").describe('"int32" for token ids feeding an Embedding'),
  }),
  inputs: { min: 0, max: 0 },
  accepts: ["data"],
  inferShape: (_shapes, params) => params.shape,
  paramCount: () => 0,
  build: ({ tf, params, name }) => tf.input({ shape: params.shape, dtype: params.dtype, name }),
});
