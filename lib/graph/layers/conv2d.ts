import { z } from "zod";
import { applyLayer, defineLayer, firstInput, KERNEL_REGULARIZER } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";
import { activationArg, activationParam, filtersParam, imageShape, kernelParam, paddingParam, pair, pytorchActivation, pytorchSpatial, useBiasParam, windowOutput } from "./common";

export const conv2d = defineLayer({
  type: "Conv2D",
  label: "Conv2D",
  category: "convolution",
  description: "2-D convolution over [height, width, channels] inputs: learns local filters shared across the image.",
  params: z.strictObject({
    filters: filtersParam,
    kernelSize: kernelParam(3, "Filter size: n or [height, width]"),
    strides: kernelParam(1, "Step between filter positions: n or [vertical, horizontal]"),
    padding: paddingParam,
    activation: activationParam,
    useBias: useBiasParam("per filter"),
  }),
  inputs: { min: 1, max: 1 },
  regularizerArg: KERNEL_REGULARIZER,
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
  flops: (shapes, p, out) => {
    const [, , c] = imageShape(firstInput(shapes), "Conv2D");
    const [kh, kw] = pair(p.kernelSize);
    return 2 * kh * kw * c * p.filters * (out[0] ?? 1) * (out[1] ?? 1);
  },
  build: ({ tf, params, inputs, name, seed, regularizer }) =>
    applyLayer(
      tf.layers.conv2d({
        kernelRegularizer: regularizer,
        filters: params.filters,
        kernelSize: pair(params.kernelSize),
        strides: pair(params.strides),
        padding: params.padding,
        activation: params.activation,
        useBias: params.useBias,
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        name,
      }),
      inputs,
    ),
  codegen: {
    pytorch: ({ params: p, inputShapes }) => {
      const [, , c] = imageShape(firstInput(inputShapes), "Conv2D");
      const stride = pair(p.strides);
      const native = stride[0] === 1 && stride[1] === 1;
      const conv = pyCall("nn.Conv2d", [c, p.filters, pair(p.kernelSize)], {
        stride: native ? undefined : stride,
        padding: native && p.padding === "same" ? "same" : undefined,
        bias: p.useBias ? undefined : false,
      });
      const wrapped = pytorchSpatial(conv, { kernel: pair(p.kernelSize), stride, padding: p.padding, nativeSame: native });
      return { ...wrapped, forward: ([x], self) => pytorchActivation(p.activation, `${self}(${x})`) };
    },
    keras: ({ params: p }) => ({
      layer: kerasLayer("Conv2D", [p.filters, pair(p.kernelSize)], { strides: pair(p.strides), padding: p.padding, activation: activationArg(p.activation), use_bias: p.useBias ? undefined : false }),
    }),
    tfjs: ({ params: p }) => ({
      layer: tfjsLayer("conv2d", {
        filters: p.filters,
        kernelSize: pair(p.kernelSize),
        strides: pair(p.strides),
        padding: p.padding,
        activation: activationArg(p.activation),
        useBias: p.useBias ? undefined : false,
      }),
    }),
  },
  example: { inputs: [{ shape: [9, 9, 3] }], params: { filters: 4, kernelSize: 3, strides: 2, padding: "same", activation: "relu" } },
});
