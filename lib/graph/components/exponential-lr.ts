import { z } from "zod";
import { defineComponent } from "../component";
import { factorParam, kerasScheduler, torchScheduler } from "./schedules";

export const exponentialLr = defineComponent({
  type: "ExponentialLR",
  label: "Exponential LR",
  category: "schedule",
  description: "Multiplies the learning rate by gamma after every epoch. Attach to an optimizer.",
  params: z.strictObject({ gamma: factorParam(0.95, "Factor applied after each epoch") }),
  provides: "schedule",
  schedule: {
    rate: (p, c) => c.base * p.gamma ** c.epoch,
    codegen: {
      pytorch: (p) => torchScheduler("ExponentialLR", { gamma: p.gamma }),
      keras: (p) => kerasScheduler(`base * ${p.gamma} ** epoch`),
      tfjs: (p) => `(epoch, base) => base * ${p.gamma} ** epoch`,
    },
  },
});
