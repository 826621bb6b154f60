import type * as tfjs from "@tensorflow/tfjs";
import { z } from "zod";
import { defineComponent } from "../component";
import { ShapeError } from "../layer";

type Over = "all" | "channel" | "feature";

/** The axes statistics are taken over: everything, all but the channel axis, or only the sample axis. */
function axesOf(rank: number, over: Over): number[] {
  if (over === "all") return Array.from({ length: rank }, (_, i) => i);
  if (over === "channel") return Array.from({ length: rank - 1 }, (_, i) => i);
  return [0];
}

const PY_AXES: Record<Over, string> = { all: "None", channel: "tuple(range(x_train.ndim - 1))", feature: "0" };
const JS_AXES: Record<Over, string> = { all: "undefined", channel: "[...Array(xTrain.rank - 1).keys()]", feature: "0" };
const EPSILON = 1e-7;

export const normalize = defineComponent({
  type: "Normalize",
  label: "Normalize",
  category: "data",
  description: "Rescales features with statistics of the training part: zero mean and unit variance (standard) or into [0, 1] (min-max).",
  params: z.strictObject({
    method: z.enum(["standard", "minmax"]).default("standard").describe("standard: (x − mean) / std; minmax: (x − min) / (max − min)"),
    over: z.enum(["all", "channel", "feature"]).default("feature").describe("One statistic for all values, per channel (images), or per feature"),
  }),
  provides: "data",
  accepts: ["data"],
  data: {
    phase: "fit",
    spec: (input) => {
      if (input?.features.dtype === "int32" && input.features.scale === 1) throw new ShapeError(`dataset "${input.name}" holds token ids, which are not normalized`);
      return input;
    },
    fit: (tf, trainX, p) => {
      const axes = axesOf(trainX.rank, p.over);
      const [shift, divisor] = tf.tidy(() => {
        if (p.method === "standard") {
          const { mean, variance } = tf.moments(trainX, axes, true);
          return [mean, variance.sqrt().add(EPSILON)];
        }
        const min = trainX.min(axes, true);
        return [min, trainX.max(axes, true).sub(min).add(EPSILON)];
      }) as [tfjs.Tensor, tfjs.Tensor];
      return { apply: (x) => tf.tidy(() => x.sub(shift).div(divisor)), dispose: () => tf.dispose([shift, divisor]) };
    },
    codegen: {
      python: (p) => [
        p.method === "standard"
          ? `shift, divisor = x_train.mean(axis=${PY_AXES[p.over]}, keepdims=True), x_train.std(axis=${PY_AXES[p.over]}, keepdims=True) + ${EPSILON}`
          : `shift = x_train.min(axis=${PY_AXES[p.over]}, keepdims=True); divisor = x_train.max(axis=${PY_AXES[p.over]}, keepdims=True) - shift + ${EPSILON}`,
        "x_train, x_val, x_test = [(part - shift) / divisor for part in (x_train, x_val, x_test)]",
      ],
      tfjs: (p) => [
        p.method === "standard"
          ? `{ const { mean, variance } = tf.moments(xTrain, ${JS_AXES[p.over]}, true); const divisor = variance.sqrt().add(${EPSILON});`
          : `{ const mean = xTrain.min(${JS_AXES[p.over]}, true); const divisor = xTrain.max(${JS_AXES[p.over]}, true).sub(mean).add(${EPSILON});`,
        "  [xTrain, xVal, xTest] = [xTrain, xVal, xTest].map((part) => part.sub(mean).div(divisor)); }",
      ],
    },
  },
});
