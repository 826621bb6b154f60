import { z } from "zod";
import type { DatasetSpec } from "../../data/dataset-format";
import { defineComponent } from "../component";
import { ShapeError } from "../layer";

const classesOf = (p: { classes: number | null }, spec: DatasetSpec | undefined) => p.classes ?? spec?.targets.classes;

export const oneHot = defineComponent({
  type: "OneHot",
  label: "One-hot labels",
  category: "data",
  description: "Treats each target as a class index and encodes it as a one-hot vector: turns numeric labels into a classification task.",
  params: z.strictObject({
    classes: z.number().int().min(2).max(100_000).nullable().default(null).describe("Number of classes; empty to take it from the dataset"),
  }),
  provides: "data",
  accepts: ["data"],
  data: {
    phase: "labels",
    spec: (input, p) => {
      if (!input) return undefined;
      if (input.targets.shape.length !== 0) throw new ShapeError(`targets are already vectors of ${input.targets.shape.join("×")}; one-hot needs one class index per sample`);
      const classes = p.classes ?? input.targets.classes;
      if (classes === undefined) throw new ShapeError(`dataset "${input.name}" does not say how many classes it has: set classes`);
      if (input.targets.classes !== undefined && classes < input.targets.classes) {
        throw new ShapeError(`dataset "${input.name}" has ${input.targets.classes} classes, more than classes = ${classes}`);
      }
      return { ...input, task: "classification", targets: { ...input.targets, classes } };
    },
    codegen: {
      python: (p, spec) => [`y = np.eye(${classesOf(p, spec) ?? "int(y.max()) + 1"}, dtype="float32")[y.astype("int64").reshape(-1)]`],
      tfjs: (p, spec) => [`y = tf.oneHot(y.toInt().reshape([-1]), ${classesOf(p, spec) ?? "y.max().arraySync() + 1"}).toFloat();`],
    },
  },
});
