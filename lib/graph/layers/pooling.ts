import { z } from "zod";
import { applyLayer, defineLayer, firstInput, ShapeError, type LayerDefinition } from "../layer";
import { kerasLayer, pyCall, tfjsLayer } from "../snippets/literals";
import type { Shape } from "../types";
import { elementwiseFlops, imageShape, kernelParam, paddingParam, pair, pytorchSpatial, sequenceShape, size1dParam, windowOutput } from "./common";

type PoolKind = "max" | "avg";
const NAMES = { max: { label: "Max", keras: "MaxPooling", tfjs: "maxPooling", torch: "MaxPool" }, avg: { label: "Average", keras: "AveragePooling", tfjs: "averagePooling", torch: "AvgPool" } };

/** Strides default to the window, as in Keras. */
const stridesDoc = "Step between windows (null: the window size)";

/** MaxPool1D / AvgPool1D over [steps, channels]. */
export function pool1d(kind: PoolKind): LayerDefinition<{ poolSize: number; strides: number | null; padding: "valid" | "same" }> {
  const names = NAMES[kind];
  const type = `${kind === "max" ? "Max" : "Avg"}Pool1D`;
  return defineLayer({
    type,
    label: type,
    category: "pooling",
    description: `Keeps the ${kind === "max" ? "largest value" : "mean"} of each window along the steps of a sequence.`,
    params: z.strictObject({
      poolSize: size1dParam(2, "Window length"),
      strides: z.number().int().min(1).max(4096).nullable().default(null).describe(stridesDoc),
      padding: paddingParam,
    }),
    inputs: { min: 1, max: 1 },
    inferShape: (shapes, p) => {
      const [t, c] = sequenceShape(firstInput(shapes), type);
      return [windowOutput(t, p.poolSize, p.strides ?? p.poolSize, p.padding), c];
    },
    paramCount: () => 0,
    flops: (_s, p, out) => elementwiseFlops(out, p.poolSize),
    build: ({ tf, params: p, inputs, name }) => {
      const config = { poolSize: p.poolSize, strides: p.strides ?? p.poolSize, padding: p.padding, name };
      return applyLayer(kind === "max" ? tf.layers.maxPooling1d(config) : tf.layers.averagePooling1d(config), inputs);
    },
    codegen: {
      pytorch: ({ params: p }) => {
        const stride = p.strides ?? p.poolSize;
        const pool = pyCall(`nn.${names.torch}1d`, [p.poolSize], { stride });
        const padValue = kind === "max" ? Number.NEGATIVE_INFINITY : undefined;
        return { ...pytorchSpatial(pool, { kernel: [p.poolSize], stride: [stride], padding: p.padding, padValue, averaging: kind === "avg" }), forward: ([x], self) => `${self}(${x})` };
      },
      keras: ({ params: p }) => ({ layer: kerasLayer(`${names.keras}1D`, [p.poolSize], { strides: p.strides ?? undefined, padding: p.padding }) }),
      tfjs: ({ params: p }) => ({ layer: tfjsLayer(`${names.tfjs}1d`, { poolSize: p.poolSize, strides: p.strides ?? p.poolSize, padding: p.padding }) }),
    },
    example: { inputs: [{ shape: [9, 3] }], params: { poolSize: 2, padding: "same" } },
  });
}

/** MaxPool2D / AvgPool2D over [height, width, channels]. */
export function pool2d(kind: PoolKind): LayerDefinition<{ poolSize: number | [number, number]; strides: number | [number, number] | null; padding: "valid" | "same" }> {
  const names = NAMES[kind];
  const type = `${kind === "max" ? "Max" : "Avg"}Pool2D`;
  return defineLayer({
    type,
    label: type,
    category: "pooling",
    description: `Keeps the ${kind === "max" ? "largest value" : "mean"} of each window, shrinking height and width.`,
    params: z.strictObject({
      poolSize: kernelParam(2, "Window size: n or [height, width]"),
      strides: kernelParam(2, stridesDoc).nullable().default(null),
      padding: paddingParam,
    }),
    inputs: { min: 1, max: 1 },
    inferShape: (shapes, p) => {
      const [h, w, c] = imageShape(firstInput(shapes), type);
      const [ph, pw] = pair(p.poolSize);
      const [sh, sw] = pair(p.strides ?? p.poolSize);
      return [windowOutput(h, ph, sh, p.padding), windowOutput(w, pw, sw, p.padding), c];
    },
    paramCount: () => 0,
    flops: (_s, p, out) => elementwiseFlops(out, pair(p.poolSize)[0] * pair(p.poolSize)[1]),
    build: ({ tf, params: p, inputs, name }) => {
      const config = { poolSize: pair(p.poolSize), strides: pair(p.strides ?? p.poolSize), padding: p.padding, name };
      return applyLayer(kind === "max" ? tf.layers.maxPooling2d(config) : tf.layers.averagePooling2d(config), inputs);
    },
    codegen: {
      pytorch: ({ params: p }) => {
        const stride = pair(p.strides ?? p.poolSize);
        const pool = pyCall(`nn.${names.torch}2d`, [pair(p.poolSize)], { stride });
        const padValue = kind === "max" ? Number.NEGATIVE_INFINITY : undefined;
        return { ...pytorchSpatial(pool, { kernel: pair(p.poolSize), stride, padding: p.padding, padValue, averaging: kind === "avg" }), forward: ([x], self) => `${self}(${x})` };
      },
      keras: ({ params: p }) => ({ layer: kerasLayer(`${names.keras}2D`, [pair(p.poolSize)], { strides: p.strides === null ? undefined : pair(p.strides), padding: p.padding }) }),
      tfjs: ({ params: p }) => ({ layer: tfjsLayer(`${names.tfjs}2d`, { poolSize: pair(p.poolSize), strides: pair(p.strides ?? p.poolSize), padding: p.padding }) }),
    },
    example: { inputs: [{ shape: [7, 7, 3] }], params: { poolSize: 2, padding: "same" } },
  });
}

/** GlobalMaxPool / GlobalAvgPool: one value per channel from [steps, channels] or [height, width, channels]. */
export function globalPool(kind: PoolKind): LayerDefinition<Record<string, never>> {
  const names = NAMES[kind];
  const type = `Global${kind === "max" ? "Max" : "Avg"}Pool`;
  const rankOf = (shape: Shape) => {
    if (shape.length !== 2 && shape.length !== 3) throw new ShapeError(`${type} expects [steps, channels] or [height, width, channels], got rank ${shape.length}`);
    return shape.length === 2 ? "1D" : "2D";
  };
  return defineLayer({
    type,
    label: type,
    category: "pooling",
    description: `The ${kind === "max" ? "largest value" : "mean"} of each channel over all positions (sequences or images).`,
    params: z.strictObject({}),
    inputs: { min: 1, max: 1 },
    inferShape: (shapes) => {
      const shape = firstInput(shapes);
      rankOf(shape);
      return [shape[shape.length - 1] ?? null];
    },
    paramCount: () => 0,
    flops: (shapes) => elementwiseFlops(firstInput(shapes)),
    build: ({ tf, inputs, name, params: _p }) => {
      const rank = rankOf((inputs[0]?.shape ?? []).slice(1));
      const layer =
        kind === "max"
          ? rank === "1D"
            ? tf.layers.globalMaxPooling1d({ name })
            : tf.layers.globalMaxPooling2d({ name })
          : rank === "1D"
            ? tf.layers.globalAveragePooling1d({ name })
            : tf.layers.globalAveragePooling2d({ name });
      return applyLayer(layer, inputs);
    },
    codegen: {
      pytorch: () => ({ forward: ([x]) => (kind === "max" ? `torch.flatten(${x}, 1, -2).amax(1)` : `torch.flatten(${x}, 1, -2).mean(1)`) }),
      keras: ({ inputShapes }) => ({ layer: kerasLayer(`Global${names.keras}${rankOf(firstInput(inputShapes))}`) }),
      tfjs: ({ inputShapes }) => ({ layer: tfjsLayer(`global${kind === "max" ? "MaxPooling" : "AveragePooling"}${rankOf(firstInput(inputShapes)).toLowerCase()}`, {}) }),
    },
    example: { inputs: [{ shape: [4, 4, 3] }] },
  });
}
