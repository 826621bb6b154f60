import type * as tfjs from "@tensorflow/tfjs";
import { z } from "zod";
import { pyCall } from "../snippets/literals";
import type { Helper } from "../layer";
import { defineComponent } from "../component";
import { beta1Param, beta2Param, epsilonParam, learningRateParam, torchOptimizer } from "./common";

type NamedGradients = Parameters<tfjs.AdamOptimizer["applyGradients"]>[0];

const classes = new WeakMap<object, new (lr: number, b1: number, b2: number, eps: number, decay: number) => tfjs.Optimizer>();

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter): before each Adam step every weight
 * shrinks by learningRate × weightDecay, as torch.optim.AdamW does. tfjs has no AdamW.
 */
export function adamWClass(tf: typeof tfjs) {
  let AdamW = classes.get(tf);
  if (!AdamW) {
    AdamW = class extends tf.AdamOptimizer {
      static override className = "CyxAdamW";
      constructor(
        learningRate: number,
        beta1: number,
        beta2: number,
        epsilon: number,
        readonly weightDecay: number,
      ) {
        super(learningRate, beta1, beta2, epsilon);
      }

      override applyGradients(gradients: NamedGradients): void {
        const names = Array.isArray(gradients) ? gradients.map((g) => g.name) : Object.keys(gradients);
        const shrink = 1 - (this as unknown as { learningRate: number }).learningRate * this.weightDecay;
        tf.tidy(() => {
          for (const name of names) {
            const variable = tf.engine().registeredVariables[name];
            if (variable) variable.assign(tf.mul(variable, shrink));
          }
        });
        super.applyGradients(gradients);
      }
    };
    classes.set(tf, AdamW);
  }
  return AdamW;
}

const TFJS_ADAMW: Helper = {
  name: "CyxAdamW",
  source: `/** Adam with decoupled weight decay, as torch.optim.AdamW: weights shrink by lr × weightDecay before each step. */
class CyxAdamW extends tf.AdamOptimizer {
  static className = "CyxAdamW";
  constructor(learningRate, beta1, beta2, epsilon, weightDecay) {
    super(learningRate, beta1, beta2, epsilon);
    this.weightDecay = weightDecay;
  }
  applyGradients(gradients) {
    const names = Array.isArray(gradients) ? gradients.map((g) => g.name) : Object.keys(gradients);
    const shrink = 1 - this.learningRate * this.weightDecay;
    tf.tidy(() => {
      for (const name of names) {
        const variable = tf.engine().registeredVariables[name];
        if (variable) variable.assign(tf.mul(variable, shrink));
      }
    });
    super.applyGradients(gradients);
  }
}`,
};

export const adamW = defineComponent({
  type: "AdamW",
  label: "AdamW",
  category: "optimizer",
  description: "Adam with decoupled weight decay: the transformer-era default. Attach to the Output.",
  params: z.strictObject({
    learningRate: learningRateParam(0.001),
    weightDecay: z.number().min(0).max(1).default(0.01).describe("Share of each weight removed per step, scaled by the learning rate"),
    beta1: beta1Param,
    beta2: beta2Param,
    epsilon: epsilonParam,
  }),
  provides: "optimizer",
  accepts: ["schedule"],
  optimizer: {
    learningRate: (p) => p.learningRate,
    build: (tf, p) => new (adamWClass(tf))(p.learningRate, p.beta1, p.beta2, p.epsilon, p.weightDecay),
    codegen: {
      pytorch: (p) => torchOptimizer("AdamW", { lr: p.learningRate, betas: [p.beta1, p.beta2], eps: p.epsilon, weight_decay: p.weightDecay }),
      keras: (p) => pyCall("keras.optimizers.AdamW", [], { learning_rate: p.learningRate, weight_decay: p.weightDecay, beta_1: p.beta1, beta_2: p.beta2, epsilon: p.epsilon }),
      tfjs: (p) => ({ code: `new CyxAdamW(${p.learningRate}, ${p.beta1}, ${p.beta2}, ${p.epsilon}, ${p.weightDecay})`, helpers: [TFJS_ADAMW] }),
    },
  },
});
