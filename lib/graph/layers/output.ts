import { z } from "zod";
import { defineLayer, firstInput, single } from "../layer";

/** Losses a model can train against; names are tfjs's, documented for the properties panel. */
export const LOSSES = {
  categoricalCrossentropy: "Cross-entropy against one-hot class labels (multi-class)",
  sparseCategoricalCrossentropy: "Cross-entropy against integer class labels (multi-class)",
  binaryCrossentropy: "Cross-entropy for yes/no targets in [0, 1]",
  meanSquaredError: "Mean squared error (regression)",
  meanAbsoluteError: "Mean absolute (L1) error (regression)",
  huber: "Huber loss: squared near zero, linear beyond 1 (regression robust to outliers)",
} as const;

export type LossName = keyof typeof LOSSES;

/** Losses whose targets are class labels, so that accuracy is meaningful. */
export const CLASSIFICATION_LOSSES: readonly LossName[] = ["categoricalCrossentropy", "sparseCategoricalCrossentropy", "binaryCrossentropy"];

export const output = defineLayer({
  type: "Output",
  label: "Output",
  category: "output",
  description: "The model's prediction, and the loss it is trained to minimise. Passes its input through unchanged. Attach an optimizer node to choose how it trains.",
  params: z.strictObject({
    loss: z
      .enum(Object.keys(LOSSES) as [LossName, ...LossName[]])
      .default("categoricalCrossentropy")
      .describe("Loss minimised during training"),
  }),
  inputs: { min: 1, max: 1 },
  accepts: ["optimizer"],
  inferShape: (shapes) => firstInput(shapes),
  paramCount: () => 0,
  build: ({ inputs }) => single(inputs),
});
