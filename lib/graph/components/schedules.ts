import { z } from "zod";
import { pyKwargs } from "../snippets/literals";
import type { ScheduleContext } from "../component";

/** Keras: a LearningRateScheduler from a Python lambda of (epoch, lr) using the optimizer's base rate. */
export const kerasScheduler = (expression: string) => `keras.callbacks.LearningRateScheduler(lambda epoch, lr, base=model.optimizer.learning_rate.numpy(): ${expression})`;

/** torch.optim.lr_scheduler.<cls>(optimizer, …) for generated PyTorch code. */
export function torchScheduler(cls: string, keywords: Record<string, unknown>): string {
  const rest = pyKwargs(keywords);
  return `torch.optim.lr_scheduler.${cls}(optimizer${rest ? `, ${rest}` : ""})`;
}

export const stepsParam = (fallback: number, doc: string) => z.number().int().min(1).max(10_000).default(fallback).describe(doc);
export const factorParam = (fallback: number, doc: string) => z.number().gt(0).max(1).default(fallback).describe(doc);

/**
 * ReduceLROnPlateau, replayed over the history: the rate drops by factor whenever the monitored
 * metric has not improved (by PyTorch's default relative threshold, 1e-4) for more than patience
 * epochs. A pure function of the history, so a resumed job lands on the same rate.
 */
export function plateauRate(p: { monitor: string; factor: number; patience: number; minLearningRate: number }, context: ScheduleContext): number {
  let rate = context.base;
  let best = Number.POSITIVE_INFINITY;
  let bad = 0;
  for (const epoch of context.history) {
    const value = epoch[p.monitor] ?? epoch.loss;
    if (value === undefined || !Number.isFinite(value)) continue;
    if (value < best * (1 - 1e-4)) {
      best = value;
      bad = 0;
    } else if (++bad > p.patience) {
      rate = Math.max(rate * p.factor, p.minLearningRate);
      bad = 0;
    }
  }
  return rate;
}
