import { z } from "zod";
import { defineComponent } from "../component";
import { kerasScheduler, torchScheduler } from "./schedules";

export const cosineLr = defineComponent({
  type: "CosineLR",
  label: "Cosine LR",
  category: "schedule",
  description: "Anneals the learning rate along half a cosine, from its base to minLearningRate over the whole run. Attach to an optimizer.",
  params: z.strictObject({ minLearningRate: z.number().min(0).max(1).default(0).describe("Rate reached at the last epoch") }),
  provides: "schedule",
  schedule: {
    rate: (p, c) => p.minLearningRate + ((c.base - p.minLearningRate) * (1 + Math.cos((Math.PI * c.epoch) / Math.max(1, c.totalEpochs)))) / 2,
    codegen: {
      pytorch: (p, total) => torchScheduler("CosineAnnealingLR", { T_max: total, eta_min: p.minLearningRate }),
      keras: (p, total) => kerasScheduler(`${p.minLearningRate} + (base - ${p.minLearningRate}) * (1 + math.cos(math.pi * epoch / ${total})) / 2`),
      tfjs: (p, total) => `(epoch, base) => ${p.minLearningRate} + ((base - ${p.minLearningRate}) * (1 + Math.cos((Math.PI * epoch) / ${total}))) / 2`,
    },
  },
});
