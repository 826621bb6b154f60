import { z } from "zod";
import { defineComponent } from "../component";

const factor = (fallback: number, doc: string) => z.number().min(0).max(1).default(fallback).describe(doc);

export const l1l2 = defineComponent({
  type: "L1L2",
  label: "L1/L2 regularizer",
  category: "regularizer",
  description: "Adds l1·Σ|w| + l2·Σw² of a layer's weights to the loss, keeping them small. Attach to weight layers.",
  params: z.strictObject({ l1: factor(0, "Penalty on absolute weights (sparsity)"), l2: factor(0.0001, "Penalty on squared weights (weight decay)") }),
  provides: "regularizer",
  regularizer: { factors: (p) => ({ l1: p.l1, l2: p.l2 }) },
});
