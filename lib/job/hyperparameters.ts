import { z } from "zod";
import type { Hyperparameters as HyperparametersMessage } from "../../gen/cyxwiz/v1/job_pb";

/**
 * Training settings of a job. Epochs, batch size and learning rate are required; the rest
 * have defaults. Field names match the wire contract's Hyperparameters message.
 */
export const hyperparametersSchema = z.object({
  epochs: z.number().int().min(1).max(1000),
  batchSize: z.number().int().min(1).max(8192),
  learningRate: z.number().gt(0).max(10),
  optimizer: z.enum(["adam", "sgd"]).default("adam"),
  validationSplit: z.number().min(0).max(0.5).default(0.1),
  /** 0 means "pick one"; the server fixes it at submission so that every attempt trains alike. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  /** Epochs without improvement before training stops (restoring the best epoch's weights); absent or 0 never stops early. */
  earlyStoppingPatience: z.number().int().min(0).max(1000).optional(),
  /** Largest global L2 norm of a step's gradients; absent or 0 leaves them alone. */
  clipNorm: z.number().min(0).max(1e6).optional(),
  /** A checkpoint every this many epochs (1 when absent, 0 never), for resuming elsewhere. */
  checkpointEvery: z.number().int().min(0).max(1000).optional(),
});

export type Hyperparameters = z.output<typeof hyperparametersSchema>;

export const DEFAULT_HYPERPARAMETERS: Hyperparameters = {
  epochs: 5,
  batchSize: 64,
  learningRate: 0.001,
  optimizer: "adam",
  validationSplit: 0.1,
  seed: 0,
};

/** Snake-case names as on the wire, for error messages that point at the request field. */
export const HYPERPARAMETER_FIELDS: Record<keyof Hyperparameters, string> = {
  epochs: "epochs",
  batchSize: "batch_size",
  learningRate: "learning_rate",
  optimizer: "optimizer",
  validationSplit: "validation_split",
  seed: "seed",
  earlyStoppingPatience: "early_stopping_patience",
  clipNorm: "clip_norm",
  checkpointEvery: "checkpoint_every",
};

export type HyperparameterResult = { ok: true; value: Hyperparameters } | { ok: false; field: string; message: string };

export function parseHyperparameters(input: Partial<Record<keyof Hyperparameters, unknown>>): HyperparameterResult {
  const result = hyperparametersSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const key = issue.path[0] as keyof Hyperparameters;
  const field = `hyperparameters.${HYPERPARAMETER_FIELDS[key] ?? String(key)}`;
  return { ok: false, field, message: `${field}: ${issue.message}` };
}

/**
 * A Hyperparameters message (a submission, an assignment) as the schema's input. proto3 sends an
 * unset number as 0 and an unset string as "": only the optimizer has a default such a value
 * stands for; the settings whose absence means something else than 0 (validation_split,
 * checkpoint_every) carry presence, and the other zeros mean what they say (none, never, or
 * invalid), so they are checked as sent.
 */
export function hyperparametersInput(message: HyperparametersMessage | undefined): Partial<Record<keyof Hyperparameters, unknown>> {
  if (!message) return {};
  return {
    epochs: message.epochs,
    batchSize: message.batchSize,
    learningRate: message.learningRate,
    optimizer: message.optimizer || undefined,
    validationSplit: message.validationSplit,
    seed: message.seed,
    earlyStoppingPatience: message.earlyStoppingPatience,
    clipNorm: message.clipNorm,
    checkpointEvery: message.checkpointEvery,
  };
}
