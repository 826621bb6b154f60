import { z } from "zod";
import { pyCall } from "../snippets/literals";
import { defineComponent } from "../component";
import { epsilonParam, learningRateParam, torchOptimizer } from "./common";

export const rmsprop = defineComponent({
  type: "RMSprop",
  label: "RMSprop",
  category: "optimizer",
  description: "Divides each step by a running average of recent gradient magnitudes. Attach to the Output.",
  params: z.strictObject({
    learningRate: learningRateParam(0.001),
    rho: z.number().min(0).lt(1).default(0.9).describe("Decay of the running average of squared gradients"),
    momentum: z.number().min(0).lt(1).default(0).describe("Share of the previous update carried into the next"),
    epsilon: epsilonParam,
  }),
  provides: "optimizer",
  accepts: ["schedule"],
  optimizer: {
    learningRate: (p) => p.learningRate,
    build: (tf, p) => tf.train.rmsprop(p.learningRate, p.rho, p.momentum, p.epsilon),
    codegen: {
      pytorch: (p) => torchOptimizer("RMSprop", { lr: p.learningRate, alpha: p.rho, momentum: p.momentum || undefined, eps: p.epsilon }),
      keras: (p) => pyCall("keras.optimizers.RMSprop", [], { learning_rate: p.learningRate, rho: p.rho, momentum: p.momentum || undefined, epsilon: p.epsilon }),
      tfjs: (p) => ({ code: `tf.train.rmsprop(${p.learningRate}, ${p.rho}, ${p.momentum}, ${p.epsilon})` }),
    },
  },
});
