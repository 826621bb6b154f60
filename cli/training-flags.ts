import type { ModelTemplate } from "../lib/graph/templates";
import type { Hyperparameters } from "../lib/job/hyperparameters";

/** The training settings submit and train share, as given on the command line. */
export interface TrainingFlags {
  dataset?: string;
  epochs?: string;
  batchSize?: string;
  learningRate?: string;
  optimizer?: string;
  validationSplit?: string;
  seed?: string;
  earlyStopping?: string;
  clipNorm?: string;
  checkpointEvery?: string;
}

export function trainingFlags(values: Record<string, string | boolean | undefined>): TrainingFlags {
  const text = (key: string) => (typeof values[key] === "string" ? (values[key] as string) : undefined);
  return {
    dataset: text("dataset"),
    epochs: text("epochs"),
    batchSize: text("batch-size"),
    learningRate: text("learning-rate"),
    optimizer: text("optimizer"),
    validationSplit: text("validation-split"),
    seed: text("seed"),
    earlyStopping: text("early-stopping"),
    clipNorm: text("clip-norm"),
    checkpointEvery: text("checkpoint-every"),
  };
}

/** Flags over the template's defaults over general ones; validation is the caller's (server or local schema). */
export function hyperparametersFrom(flags: TrainingFlags, template?: ModelTemplate): Omit<Hyperparameters, "optimizer"> & { optimizer: string } {
  const number = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
  const defaults = template?.hyperparameters;
  return {
    epochs: number(flags.epochs, defaults?.epochs ?? 5),
    batchSize: number(flags.batchSize, defaults?.batchSize ?? 64),
    learningRate: number(flags.learningRate, defaults?.learningRate ?? 0.001),
    optimizer: flags.optimizer ?? defaults?.optimizer ?? "adam",
    validationSplit: number(flags.validationSplit, 0.1),
    seed: number(flags.seed, 0),
    earlyStoppingPatience: number(flags.earlyStopping, 0),
    clipNorm: number(flags.clipNorm, 0),
    ...(flags.checkpointEvery === undefined ? {} : { checkpointEvery: Number(flags.checkpointEvery) }),
  };
}
