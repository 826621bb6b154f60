import type { SymbolicTensor } from "@tensorflow/tfjs";
import { z } from "zod";
import { defineLayer, firstInput, single } from "../layer";
import { activationParam, imageShape, kernelParam, paddingParam, pair, windowOutput } from "./common";

export const conv2d = defineLayer({
  type: "Conv2D",
  label: "Conv2D",
  category: "convolution",
  description: "2-D convolution over [height, width, channels] inputs: learns local filters shared across the image.",
  params: z.strictObject({
    filters: z.number().int().min(1).max(8192).default(32).describe("Number of output channels"),
    kernelSize: kernelParam(3, "Filter size: n or [height, width]"),
    strides: kernelParam(1, "Step between filter positions: n or [vertical, horizontal]"),
    padding: paddingParam,
    activation: activationParam,
    useBias: z.boolean().default(true).describe("Add a learned bias per filter"),
  }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes, p) => {
    const [h, w] = imageShape(firstInput(shapes), "Conv2D");
    const [kh, kw] = pair(p.kernelSize);
    const [sh, sw] = pair(p.strides);
    return [windowOutput(h, kh, sh, p.padding), windowOutput(w, kw, sw, p.padding), p.filters];
  },
  paramCount: (shapes, p) => {
    const [, , c] = imageShape(firstInput(shapes), "Conv2D");
    const [kh, kw] = pair(p.kernelSize);
    return kh * kw * c * p.filters + (p.useBias ? p.filters : 0);
  },
  build: ({ tf, params, inputs, name, seed }) =>
    tf.layers
      .conv2d({
        filters: params.filters,
        kernelSize: pair(params.kernelSize),
        strides: pair(params.strides),
        padding: params.padding,
        activation: params.activation,
        useBias: params.useBias,
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        name,
      })
      .apply(single(inputs)) as SymbolicTensor,
});
