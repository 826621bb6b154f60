import type { SymbolicTensor } from "@tensorflow/tfjs";
import { z } from "zod";
import { defineLayer, firstInput, single } from "../layer";
import { imageShape, kernelParam, paddingParam, pair, windowOutput } from "./common";

export const maxPool2d = defineLayer({
  type: "MaxPool2D",
  label: "MaxPool2D",
  category: "pooling",
  description: "Keeps the largest value of each window, shrinking height and width.",
  params: z.strictObject({
    poolSize: kernelParam(2, "Window size: n or [height, width]"),
    strides: kernelParam(2, "Step between windows: n or [vertical, horizontal]"),
    padding: paddingParam,
  }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes, p) => {
    const [h, w, c] = imageShape(firstInput(shapes), "MaxPool2D");
    const [ph, pw] = pair(p.poolSize);
    const [sh, sw] = pair(p.strides);
    return [windowOutput(h, ph, sh, p.padding), windowOutput(w, pw, sw, p.padding), c];
  },
  paramCount: () => 0,
  build: ({ tf, params, inputs, name }) =>
    tf.layers
      .maxPooling2d({ poolSize: pair(params.poolSize), strides: pair(params.strides), padding: params.padding, name })
      .apply(single(inputs)) as SymbolicTensor,
});
