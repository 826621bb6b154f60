import { z } from "zod";
import { defineComponent } from "../component";
import { factorParam, kerasScheduler, stepsParam, torchScheduler } from "./schedules";

export const stepLr = defineComponent({
  type: "StepLR",
  label: "Step LR",
  category: "schedule",
  description: "Multiplies the learning rate by gamma every stepSize epochs. Attach to an optimizer.",
  params: z.strictObject({ stepSize: stepsParam(10, "Epochs between drops"), gamma: factorParam(0.1, "Factor applied at each drop") }),
  provides: "schedule",
  schedule: {
    rate: (p, c) => c.base * p.gamma ** Math.floor(c.epoch / p.stepSize),
    codegen: {
      pytorch: (p) => torchScheduler("StepLR", { step_size: p.stepSize, gamma: p.gamma }),
      keras: (p) => kerasScheduler(`base * ${p.gamma} ** (epoch // ${p.stepSize})`),
      tfjs: (p) => `(epoch, base) => base * ${p.gamma} ** Math.floor(epoch / ${p.stepSize})`,
    },
  },
});
