import { z } from "zod";
import { defineComponent } from "../component";
import { ShapeError } from "../layer";

const fraction = (fallback: number, doc: string) => z.number().min(0).max(0.9).default(fallback).describe(doc);

export const split = defineComponent({
  type: "Split",
  label: "Split",
  category: "data",
  description: "Holds out a validation part (scored every epoch) and a test part (scored once, at the end), shuffled with the job's seed.",
  params: z
    .strictObject({
      validation: fraction(0.1, "Share of samples for validation"),
      test: fraction(0, "Share of samples for the final test"),
    })
    .refine((p) => p.validation + p.test < 1, { message: "validation + test must leave samples to train on", path: ["test"] }),
  provides: "data",
  accepts: ["data"],
  data: {
    phase: "split",
    spec: (input, p) => {
      if (input && Math.floor(input.count * (1 - p.validation - p.test)) < 1) {
        throw new ShapeError(`${input.count} samples leave none to train on after the split`);
      }
      return input;
    },
    split: (p) => ({ validation: p.validation, test: p.test }),
    codegen: {
      python: (p) => [`x_train, y_train, x_val, y_val, x_test, y_test = split(x, y, validation=${p.validation}, test=${p.test}, seed=seed)`],
      tfjs: (p) => [`let { xTrain, yTrain, xVal, yVal, xTest, yTest } = split(x, y, ${p.validation}, ${p.test}, seed);`],
    },
  },
});
