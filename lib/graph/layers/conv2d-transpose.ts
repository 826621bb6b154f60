import { z } from "zod";
import { applyLayer, defineLayer, firstInput, KERNEL_REGULARIZER } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";
import { CHANNELS_LAST, CROP_2D } from "../snippets/pytorch-helpers";
import { activationArg, activationParam, filtersParam, imageShape, kernelParam, paddingParam, pair, pytorchActivation, useBiasParam } from "./common";

const transposedSize = (input: number, kernel: number, stride: number, padding: "valid" | "same") => (padding === "same" ? input * stride : (input - 1) * stride + kernel);

export const conv2dTranspose = defineLayer({
  type: "Conv2DTranspose",
  label: "Conv2DTranspose",
  category: "convolution",
  description: 'Transposed ("de-") convolution: upsamples [height, width, channels] maps, as in decoders and U-Nets.',
  params: z.strictObject({
    filters: filtersParam,
    kernelSize: kernelParam(3, "Filter size: n or [height, width]"),
    strides: kernelParam(2, "Upsampling factor: n or [vertical, horizontal]"),
    padding: paddingParam,
    activation: activationParam,
    useBias: useBiasParam("per filter"),
  }),
  inputs: { min: 1, max: 1 },
  regularizerArg: KERNEL_REGULARIZER,
  inferShape: (shapes, p) => {
    const [h, w] = imageShape(firstInput(shapes), "Conv2DTranspose");
    const [kh, kw] = pair(p.kernelSize);
    const [sh, sw] = pair(p.strides);
    return [transposedSize(h, kh, sh, p.padding), transposedSize(w, kw, sw, p.padding), p.filters];
  },
  paramCount: (shapes, p) => {
    const [, , c] = imageShape(firstInput(shapes), "Conv2DTranspose");
    const [kh, kw] = pair(p.kernelSize);
    return kh * kw * c * p.filters + (p.useBias ? p.filters : 0);
  },
  flops: (shapes, p) => {
    const [h, w, c] = imageShape(firstInput(shapes), "Conv2DTranspose");
    const [kh, kw] = pair(p.kernelSize);
    return 2 * kh * kw * c * p.filters * h * w;
  },
  build: ({ tf, params, inputs, name, seed, regularizer }) =>
    applyLayer(
      tf.layers.conv2dTranspose({
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
      const [, , c] = imageShape(firstInput(inputShapes), "Conv2DTranspose");
      const [kh, kw] = pair(p.kernelSize);
      const [sh, sw] = pair(p.strides);
      // "same" = the "valid" output cropped (kernel > stride) or extended (kernel < stride) to input × stride.
      const same = p.padding === "same";
      const extend = same ? [Math.max(0, sh - kh), Math.max(0, sw - kw)] : [0, 0];
      const crop = same ? [Math.max(0, kh - sh), Math.max(0, kw - sw)] : [0, 0];
      const conv = pyCall("nn.ConvTranspose2d", [c, p.filters, [kh, kw]], {
        stride: [sh, sw],
        output_padding: extend.some((e) => e > 0) ? extend : undefined,
        bias: p.useBias ? undefined : false,
      });
      const [ch, cw] = crop as [number, number];
      const cropped = ch + cw > 0;
      const module = cropped ? `nn.Sequential(${conv}, Crop2d(${ch >> 1}, ${ch - (ch >> 1)}, ${cw >> 1}, ${cw - (cw >> 1)}))` : conv;
      return {
        module: `ChannelsLast(${module})`,
        helpers: cropped ? [CHANNELS_LAST, CROP_2D] : [CHANNELS_LAST],
        forward: ([x], self) => pytorchActivation(p.activation, `${self}(${x})`),
      };
    },
    keras: ({ params: p }) => ({
      layer: kerasLayer("Conv2DTranspose", [p.filters, pair(p.kernelSize)], {
        strides: pair(p.strides),
        padding: p.padding,
        activation: activationArg(p.activation),
        use_bias: p.useBias ? undefined : false,
      }),
    }),
    tfjs: ({ params: p }) => ({
      layer: tfjsLayer("conv2dTranspose", {
        filters: p.filters,
        kernelSize: pair(p.kernelSize),
        strides: pair(p.strides),
        padding: p.padding,
        activation: activationArg(p.activation),
        useBias: p.useBias ? undefined : false,
      }),
    }),
  },
  example: { inputs: [{ shape: [4, 4, 3] }], params: { filters: 2, kernelSize: 3, strides: 2, padding: "same" } },
});
