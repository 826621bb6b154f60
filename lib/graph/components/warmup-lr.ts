import { z } from "zod";
import { defineComponent } from "../component";
import { kerasScheduler, stepsParam, torchScheduler } from "./schedules";

export const warmupLr = defineComponent({
  type: "WarmupLR",
  label: "Warmup LR",
  category: "schedule",
  description: "Ramps the learning rate linearly from a fraction of its base up to the base over the first epochs. Attach to an optimizer.",
  params: z.strictObject({
    warmupEpochs: stepsParam(3, "Epochs of the ramp"),
    startFactor: z.number().gt(0).max(1).default(0.1).describe("Fraction of the base rate at the first epoch"),
  }),
  provides: "schedule",
  schedule: {
    rate: (p, c) => (c.epoch >= p.warmupEpochs ? c.base : c.base * (p.startFactor + ((1 - p.startFactor) * c.epoch) / p.warmupEpochs)),
    codegen: {
      pytorch: (p) => torchScheduler("LinearLR", { start_factor: p.startFactor, end_factor: 1.0, total_iters: p.warmupEpochs }),
      keras: (p) => kerasScheduler(`base if epoch >= ${p.warmupEpochs} else base * (${p.startFactor} + (1 - ${p.startFactor}) * epoch / ${p.warmupEpochs})`),
      tfjs: (p) => `(epoch, base) => (epoch >= ${p.warmupEpochs} ? base : base * (${p.startFactor} + ((1 - ${p.startFactor}) * epoch) / ${p.warmupEpochs}))`,
    },
  },
});
