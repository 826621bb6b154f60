import { z } from "zod";
import { js, pyCall } from "../snippets/literals";
import { defineComponent } from "../component";
import { learningRateParam, torchOptimizer } from "./common";

export const sgd = defineComponent({
  type: "SGD",
  label: "SGD",
  category: "optimizer",
  description: "Stochastic gradient descent, with optional (Nesterov) momentum. Attach to the Output.",
  params: z.strictObject({
    learningRate: learningRateParam(0.01),
    momentum: z.number().min(0).lt(1).default(0).describe("Share of the previous update carried into the next"),
    nesterov: z.boolean().default(false).describe("Look ahead along the momentum before computing the gradient"),
  }),
  provides: "optimizer",
  accepts: ["schedule"],
  optimizer: {
    learningRate: (p) => p.learningRate,
    build: (tf, p) => (p.momentum > 0 ? tf.train.momentum(p.learningRate, p.momentum, p.nesterov) : tf.train.sgd(p.learningRate)),
    codegen: {
      pytorch: (p) => torchOptimizer("SGD", { lr: p.learningRate, momentum: p.momentum || undefined, nesterov: p.nesterov || undefined }),
      keras: (p) => pyCall("keras.optimizers.SGD", [], { learning_rate: p.learningRate, momentum: p.momentum || undefined, nesterov: p.nesterov || undefined }),
      tfjs: (p) => ({ code: p.momentum > 0 ? `tf.train.momentum(${p.learningRate}, ${p.momentum}, ${js(p.nesterov)})` : `tf.train.sgd(${p.learningRate})` }),
    },
  },
});
