import { z } from "zod";
import { pyCall } from "../snippets/literals";
import { defineComponent } from "../component";
import { factorParam, plateauRate, stepsParam, torchScheduler } from "./schedules";

export const reduceOnPlateau = defineComponent({
  type: "ReduceOnPlateau",
  label: "Reduce on plateau",
  category: "schedule",
  description: "Cuts the learning rate when a metric stops improving for a few epochs. Attach to an optimizer.",
  params: z.strictObject({
    monitor: z.enum(["val_loss", "loss"]).default("val_loss").describe("Metric watched for improvement"),
    factor: factorParam(0.1, "Factor applied at each cut"),
    patience: stepsParam(2, "Epochs without improvement before a cut"),
    minLearningRate: z.number().min(0).max(1).default(0).describe("The rate never drops below this"),
  }),
  provides: "schedule",
  schedule: {
    rate: plateauRate,
    codegen: {
      pytorch: (p) =>
        `${torchScheduler("ReduceLROnPlateau", { mode: "min", factor: p.factor, patience: p.patience, min_lr: p.minLearningRate })}  # step with the monitored value: scheduler.step(val_loss)`,
      keras: (p) => pyCall("keras.callbacks.ReduceLROnPlateau", [], { monitor: p.monitor, factor: p.factor, patience: p.patience, min_lr: p.minLearningRate }),
      tfjs: (p) => `(epoch, base, history) => {
  // Replays the history: a cut whenever ${p.monitor} has not improved for more than ${p.patience} epochs.
  let rate = base, best = Infinity, bad = 0;
  for (const metrics of history) {
    const value = metrics[${JSON.stringify(p.monitor)}] ?? metrics.loss;
    if (value < best * (1 - 1e-4)) { best = value; bad = 0; }
    else if (++bad > ${p.patience}) { rate = Math.max(rate * ${p.factor}, ${p.minLearningRate}); bad = 0; }
  }
  return rate;
}`,
    },
  },
});
