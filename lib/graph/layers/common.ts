import { z } from "zod";
import type { Helper } from "../layer";
import { ShapeError } from "../layer";
import type { Shape } from "../types";
import { CHANNELS_LAST, SAME_PADDED } from "../snippets/pytorch-helpers";
import { py } from "../snippets/literals";

/** Activations a layer can apply to its own output: tfjs and Keras share these names. */
export const ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "swish", "mish", "softplus"] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const activationParam = z.enum(ACTIVATIONS).default("linear").describe("Activation applied to the layer's output");

const PYTORCH_ACTIVATIONS: Record<ActivationName, (x: string) => string> = {
  linear: (x) => x,
  relu: (x) => `F.relu(${x})`,
  sigmoid: (x) => `torch.sigmoid(${x})`,
  tanh: (x) => `torch.tanh(${x})`,
  softmax: (x) => `F.softmax(${x}, dim=-1)`,
  elu: (x) => `F.elu(${x})`,
  selu: (x) => `F.selu(${x})`,
  gelu: (x) => `F.gelu(${x})`,
  swish: (x) => `F.silu(${x})`,
  mish: (x) => `F.mish(${x})`,
  softplus: (x) => `F.softplus(${x})`,
};

/** The PyTorch expression applying an activation to expr. */
export function pytorchActivation(name: ActivationName, expr: string): string {
  return PYTORCH_ACTIVATIONS[name](expr);
}

/** Keras/tfjs keyword for an activation: omitted when linear, to keep generated code short. */
export function activationArg(name: ActivationName): ActivationName | undefined {
  return name === "linear" ? undefined : name;
}

export const filtersParam = z.number().int().min(1).max(8192).default(32).describe("Number of output channels");

/** Whether a weight layer adds a bias, described for where it goes ("per filter", "to each unit"). */
export const useBiasParam = (where: string) => z.boolean().default(true).describe(`Add a learned bias ${where}`);

export const paddingParam = z.enum(["valid", "same"]).default("valid").describe('"valid" drops the border; "same" pads so that output size = input size / stride');

const size2d = z.union([z.number().int().min(1).max(1024), z.tuple([z.number().int().min(1).max(1024), z.number().int().min(1).max(1024)])]);

export function pair(value: number | readonly [number, number]): [number, number] {
  return typeof value === "number" ? [value, value] : [value[0], value[1]];
}

export const kernelParam = (fallback: number, doc: string) => size2d.default(fallback).describe(doc);
export const size1dParam = (fallback: number, doc: string) => z.number().int().min(1).max(4096).default(fallback).describe(doc);

/** Spatial output size of a convolution or pooling window along one axis. */
export function windowOutput(input: number, window: number, stride: number, padding: "valid" | "same"): number {
  if (padding === "same") return Math.ceil(input / stride);
  const out = Math.floor((input - window) / stride) + 1;
  if (out < 1) throw new ShapeError(`window ${window} does not fit input size ${input}`);
  return out;
}

/** [height, width, channels] of an image-shaped input, or a ShapeError naming what was wrong. */
export function imageShape(shape: Shape, layer: string): [number, number, number] {
  if (shape.length !== 3) {
    throw new ShapeError(`${layer} expects an input of rank 3 [height, width, channels], got rank ${shape.length}`);
  }
  const [h, w, c] = shape;
  if (h == null || w == null || c == null) throw new ShapeError(`${layer} needs known height, width and channels`);
  return [h, w, c];
}

/** [steps, features] of a sequence-shaped input. */
export function sequenceShape(shape: Shape, layer: string): [number, number] {
  if (shape.length !== 2) {
    throw new ShapeError(`${layer} expects an input of rank 2 [steps, features], got rank ${shape.length}`);
  }
  const [t, f] = shape;
  if (t == null || f == null) throw new ShapeError(`${layer} needs known steps and features`);
  return [t, f];
}

export interface SpatialCode {
  module: string;
  helpers: Helper[];
}

/**
 * Wraps a channels-first PyTorch conv/pool module for channels-last tensors, adding TensorFlow's
 * "same" padding where PyTorch's own cannot express it (strides > 1, pooling).
 */
export function pytorchSpatial(module: string, options: { kernel: number[]; stride: number[]; padding: "valid" | "same"; padValue?: number; averaging?: boolean; nativeSame?: boolean }): SpatialCode {
  const { kernel, stride, padding } = options;
  if (padding === "valid" || options.nativeSame) return { module: `ChannelsLast(${module})`, helpers: [CHANNELS_LAST] };
  const extra = [options.padValue !== undefined ? `value=${py(options.padValue)}` : "", options.averaging ? "mask=True" : ""].filter(Boolean);
  return {
    module: `ChannelsLast(SamePadded(${module}, ${py(kernel)}, ${py(stride)}${extra.length ? `, ${extra.join(", ")}` : ""}))`,
    helpers: [CHANNELS_LAST, SAME_PADDED],
  };
}

/** FLOPs of an elementwise op touching every output value once. */
export function elementwiseFlops(shape: Shape, perElement = 1): number {
  return shape.reduce<number>((a, d) => a * (d ?? 1), 1) * perElement;
}
