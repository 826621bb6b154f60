import { z } from "zod";
import { applyLayer, defineLayer, firstInput, KERNEL_REGULARIZER } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";
import { activationArg, activationParam, filtersParam, paddingParam, pytorchActivation, pytorchSpatial, sequenceShape, size1dParam, useBiasParam, windowOutput } from "./common";

export const conv1d = defineLayer({
  type: "Conv1D",
  label: "Conv1D",
  category: "convolution",
  description: "1-D convolution over [steps, channels] sequences: local filters slid along time.",
  params: z.strictObject({
    filters: filtersParam,
    kernelSize: size1dParam(3, "Filter length in steps"),
    strides: size1dParam(1, "Step between filter positions"),
    padding: paddingParam,
    activation: activationParam,
    useBias: useBiasParam("per filter"),
  }),
  inputs: { min: 1, max: 1 },
  regularizerArg: KERNEL_REGULARIZER,
  inferShape: (shapes, p) => {
    const [t] = sequenceShape(firstInput(shapes), "Conv1D");
    return [windowOutput(t, p.kernelSize, p.strides, p.padding), p.filters];
  },
  paramCount: (shapes, p) => p.kernelSize * sequenceShape(firstInput(shapes), "Conv1D")[1] * p.filters + (p.useBias ? p.filters : 0),
  flops: (shapes, p, out) => 2 * p.kernelSize * sequenceShape(firstInput(shapes), "Conv1D")[1] * p.filters * (out[0] ?? 1),
  build: ({ tf, params, inputs, name, seed, regularizer }) =>
    applyLayer(
      tf.layers.conv1d({
        kernelRegularizer: regularizer,
        filters: params.filters,
        kernelSize: params.kernelSize,
        strides: params.strides,
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
      const [, channels] = sequenceShape(firstInput(inputShapes), "Conv1D");
      const native = p.strides === 1;
      const conv = pyCall("nn.Conv1d", [channels, p.filters, p.kernelSize], { stride: p.strides, padding: native && p.padding === "same" ? "same" : undefined, bias: p.useBias ? undefined : false });
      const wrapped = pytorchSpatial(conv, { kernel: [p.kernelSize], stride: [p.strides], padding: p.padding, nativeSame: native });
      return { ...wrapped, forward: ([x], self) => pytorchActivation(p.activation, `${self}(${x})`) };
    },
    keras: ({ params: p }) => ({
      layer: kerasLayer("Conv1D", [p.filters, p.kernelSize], { strides: p.strides, padding: p.padding, activation: activationArg(p.activation), use_bias: p.useBias ? undefined : false }),
    }),
    tfjs: ({ params: p }) => ({
      layer: tfjsLayer("conv1d", {
        filters: p.filters,
        kernelSize: p.kernelSize,
        strides: p.strides,
        padding: p.padding,
        activation: activationArg(p.activation),
        useBias: p.useBias ? undefined : false,
      }),
    }),
  },
  example: { inputs: [{ shape: [10, 3] }], params: { filters: 4, kernelSize: 3, strides: 2, padding: "same" } },
});
