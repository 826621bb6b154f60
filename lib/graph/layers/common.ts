import { z } from "zod";
import { ShapeError } from "../layer";
import type { Shape } from "../types";

/** Activations a layer can apply to its own output (tfjs names). */
export const activationParam = z
  .enum(["linear", "relu", "sigmoid", "tanh", "softmax"])
  .default("linear")
  .describe("Activation applied to the layer's output");

export const paddingParam = z
  .enum(["valid", "same"])
  .default("valid")
  .describe('"valid" drops the border; "same" pads so that output size = input size / stride');

const size2d = z.union([z.number().int().min(1).max(1024), z.tuple([z.number().int().min(1).max(1024), z.number().int().min(1).max(1024)])]);

export function pair(value: number | readonly [number, number]): [number, number] {
  return typeof value === "number" ? [value, value] : [value[0], value[1]];
}

export const kernelParam = (fallback: number, doc: string) => size2d.default(fallback).describe(doc);

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
