import { z } from "zod";
import { applyLayer, defineLayer, firstInput } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";
import { activationArg, activationParam, imageShape, kernelParam, paddingParam, pair, pytorchActivation, pytorchSpatial, useBiasParam, windowOutput } from "./common";

export const depthwiseConv2d = defineLayer({
  type: "DepthwiseConv2D",
  label: "DepthwiseConv2D",
  category: "convolution",
  description: "Filters each channel on its own (MobileNet's building block): far fewer weights than a full convolution.",
  params: z.strictObject({
    kernelSize: kernelParam(3, "Filter size: n or [height, width]"),
    strides: kernelParam(1, "Step between filter positions"),
    padding: paddingParam,
    depthMultiplier: z.number().int().min(1).max(64).default(1).describe("Output channels per input channel"),
    activation: activationParam,
    useBias: useBiasParam("per output channel"),
  }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes, p) => {
    const [h, w, c] = imageShape(firstInput(shapes), "DepthwiseConv2D");
    const [kh, kw] = pair(p.kernelSize);
    const [sh, sw] = pair(p.strides);
    return [windowOutput(h, kh, sh, p.padding), windowOutput(w, kw, sw, p.padding), c * p.depthMultiplier];
  },
  paramCount: (shapes, p) => {
    const [, , c] = imageShape(firstInput(shapes), "DepthwiseConv2D");
    const [kh, kw] = pair(p.kernelSize);
    return kh * kw * c * p.depthMultiplier + (p.useBias ? c * p.depthMultiplier : 0);
  },
  flops: (_shapes, p, out) => {
    const [kh, kw] = pair(p.kernelSize);
    return 2 * kh * kw * (out[0] ?? 1) * (out[1] ?? 1) * (out[2] ?? 1);
  },
  build: ({ tf, params, inputs, name, seed }) =>
    applyLayer(
      tf.layers.depthwiseConv2d({
        kernelSize: pair(params.kernelSize),
        strides: pair(params.strides),
        padding: params.padding,
        depthMultiplier: params.depthMultiplier,
        activation: params.activation,
        useBias: params.useBias,
        depthwiseInitializer: tf.initializers.glorotUniform({ seed }),
        name,
      }),
      inputs,
    ),
  codegen: {
    pytorch: ({ params: p, inputShapes }) => {
      const [, , c] = imageShape(firstInput(inputShapes), "DepthwiseConv2D");
      const stride = pair(p.strides);
      const native = stride[0] === 1 && stride[1] === 1;
      const conv = pyCall("nn.Conv2d", [c, c * p.depthMultiplier, pair(p.kernelSize)], {
        stride: native ? undefined : stride,
        padding: native && p.padding === "same" ? "same" : undefined,
        groups: c,
        bias: p.useBias ? undefined : false,
      });
      const wrapped = pytorchSpatial(conv, { kernel: pair(p.kernelSize), stride, padding: p.padding, nativeSame: native });
      return { ...wrapped, forward: ([x], self) => pytorchActivation(p.activation, `${self}(${x})`) };
    },
    keras: ({ params: p }) => ({
      layer: kerasLayer("DepthwiseConv2D", [pair(p.kernelSize)], {
        strides: pair(p.strides),
        padding: p.padding,
        depth_multiplier: p.depthMultiplier,
        activation: activationArg(p.activation),
        use_bias: p.useBias ? undefined : false,
      }),
    }),
    tfjs: ({ params: p }) => ({
      layer: tfjsLayer("depthwiseConv2d", {
        kernelSize: pair(p.kernelSize),
        strides: pair(p.strides),
        padding: p.padding,
        depthMultiplier: p.depthMultiplier,
        activation: activationArg(p.activation),
        useBias: p.useBias ? undefined : false,
      }),
    }),
  },
  example: { inputs: [{ shape: [8, 8, 3] }], params: { kernelSize: 3, depthMultiplier: 2 } },
});
