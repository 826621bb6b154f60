import { z } from "zod";
import { pyCall } from "../snippets/literals";
import { defineComponent } from "../component";
import { beta1Param, beta2Param, epsilonParam, learningRateParam, torchOptimizer } from "./common";

export const adam = defineComponent({
  type: "Adam",
  label: "Adam",
  category: "optimizer",
  description: "Adaptive moment estimation: per-weight step sizes from running gradient statistics. Attach to the Output.",
  params: z.strictObject({ learningRate: learningRateParam(0.001), beta1: beta1Param, beta2: beta2Param, epsilon: epsilonParam }),
  provides: "optimizer",
  accepts: ["schedule"],
  optimizer: {
    learningRate: (p) => p.learningRate,
    build: (tf, p) => tf.train.adam(p.learningRate, p.beta1, p.beta2, p.epsilon),
    codegen: {
      pytorch: (p) => torchOptimizer("Adam", { lr: p.learningRate, betas: [p.beta1, p.beta2], eps: p.epsilon }),
      keras: (p) => pyCall("keras.optimizers.Adam", [], { learning_rate: p.learningRate, beta_1: p.beta1, beta_2: p.beta2, epsilon: p.epsilon }),
      tfjs: (p) => ({ code: `tf.train.adam(${p.learningRate}, ${p.beta1}, ${p.beta2}, ${p.epsilon})` }),
    },
  },
});
