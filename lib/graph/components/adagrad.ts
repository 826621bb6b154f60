import { z } from "zod";
import { pyCall } from "../snippets/literals";
import { defineComponent } from "../component";
import { learningRateParam, torchOptimizer } from "./common";

export const adagrad = defineComponent({
  type: "Adagrad",
  label: "Adagrad",
  category: "optimizer",
  description: "Per-weight step sizes shrinking with the sum of past squared gradients (good for sparse features). Attach to the Output.",
  params: z.strictObject({
    learningRate: learningRateParam(0.01),
    initialAccumulator: z.number().min(0).max(10).default(0.1).describe("Starting value of the squared-gradient sums"),
  }),
  provides: "optimizer",
  accepts: ["schedule"],
  optimizer: {
    learningRate: (p) => p.learningRate,
    build: (tf, p) => tf.train.adagrad(p.learningRate, p.initialAccumulator),
    codegen: {
      pytorch: (p) => torchOptimizer("Adagrad", { lr: p.learningRate, initial_accumulator_value: p.initialAccumulator }),
      keras: (p) => pyCall("keras.optimizers.Adagrad", [], { learning_rate: p.learningRate, initial_accumulator_value: p.initialAccumulator }),
      tfjs: (p) => ({ code: `tf.train.adagrad(${p.learningRate}, ${p.initialAccumulator})` }),
    },
  },
});
