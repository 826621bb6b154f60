import { z } from "zod";
import { applyLayer, defineLayer, firstInput } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";
import { activationArg, activationParam, filtersParam, imageShape, kernelParam, paddingParam, pair, pytorchActivation, pytorchSpatial, useBiasParam, windowOutput } from "./common";

export const separableConv2d = defineLayer({
  type: "SeparableConv2D",
  label: "SeparableConv2D",
  category: "convolution",
  description: "A depthwise convolution followed by a 1×1 convolution that mixes channels (Xception, MobileNet).",
  params: z.strictObject({
    filters: filtersParam,
    kernelSize: kernelParam(3, "Filter size: n or [height, width]"),
    strides: kernelParam(1, "Step between filter positions"),
    padding: paddingParam,
    depthMultiplier: z.number().int().min(1).max(64).default(1).describe("Depthwise channels per input channel"),
    activation: activationParam,
    useBias: useBiasParam("per output channel"),
  }),
  inputs: { min: 1, max: 1 },
  inferShape: (shapes, p) => {
    const [h, w] = imageShape(firstInput(shapes), "SeparableConv2D");
    const [kh, kw] = pair(p.kernelSize);
    const [sh, sw] = pair(p.strides);
    return [windowOutput(h, kh, sh, p.padding), windowOutput(w, kw, sw, p.padding), p.filters];
  },
  paramCount: (shapes, p) => {
    const [, , c] = imageShape(firstInput(shapes), "SeparableConv2D");
    const [kh, kw] = pair(p.kernelSize);
    return kh * kw * c * p.depthMultiplier + c * p.depthMultiplier * p.filters + (p.useBias ? p.filters : 0);
  },
  flops: (shapes, p, out) => {
    const [, , c] = imageShape(firstInput(shapes), "SeparableConv2D");
    const [kh, kw] = pair(p.kernelSize);
    const positions = (out[0] ?? 1) * (out[1] ?? 1);
    return 2 * positions * (kh * kw * c * p.depthMultiplier + c * p.depthMultiplier * p.filters);
  },
  build: ({ tf, params, inputs, name, seed }) =>
    applyLayer(
      tf.layers.separableConv2d({
        filters: params.filters,
        kernelSize: pair(params.kernelSize),
        strides: pair(params.strides),
        padding: params.padding,
        depthMultiplier: params.depthMultiplier,
        activation: params.activation,
        useBias: params.useBias,
        depthwiseInitializer: tf.initializers.glorotUniform({ seed }),
        pointwiseInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
        name,
      }),
      inputs,
    ),
  codegen: {
    pytorch: ({ params: p, inputShapes }) => {
      const [, , c] = imageShape(firstInput(inputShapes), "SeparableConv2D");
      const stride = pair(p.strides);
      const native = stride[0] === 1 && stride[1] === 1;
      const depthwise = pyCall("nn.Conv2d", [c, c * p.depthMultiplier, pair(p.kernelSize)], {
        stride: native ? undefined : stride,
        padding: native && p.padding === "same" ? "same" : undefined,
        groups: c,
        bias: false,
      });
      const pointwise = pyCall("nn.Conv2d", [c * p.depthMultiplier, p.filters, 1], { bias: p.useBias ? undefined : false });
      const wrapped = pytorchSpatial(`nn.Sequential(${depthwise}, ${pointwise})`, { kernel: pair(p.kernelSize), stride, padding: p.padding, nativeSame: native });
      return { ...wrapped, forward: ([x], self) => pytorchActivation(p.activation, `${self}(${x})`) };
    },
    keras: ({ params: p }) => ({
      layer: kerasLayer("SeparableConv2D", [p.filters, pair(p.kernelSize)], {
        strides: pair(p.strides),
        padding: p.padding,
        depth_multiplier: p.depthMultiplier,
        activation: activationArg(p.activation),
        use_bias: p.useBias ? undefined : false,
      }),
    }),
    tfjs: ({ params: p }) => ({
      layer: tfjsLayer("separableConv2d", {
        filters: p.filters,
        kernelSize: pair(p.kernelSize),
        strides: pair(p.strides),
        padding: p.padding,
        depthMultiplier: p.depthMultiplier,
        activation: activationArg(p.activation),
        useBias: p.useBias ? undefined : false,
      }),
    }),
  },
  example: { inputs: [{ shape: [8, 8, 3] }], params: { filters: 5, kernelSize: 3, padding: "same" } },
});
