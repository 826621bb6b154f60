import { GraphCompileError } from "../train/compile";
import { TrainingDiverged } from "../train/train-loop";

/** This node cannot train the job (memory, GPU limits); a bigger node may. */
export class DoesNotFit extends Error {
  constructor(reason: string) {
    super(`this node cannot take the job: ${reason}`);
  }
}

/** The job's training settings are out of range (the message starts with the field): wrong on every node. */
export class InvalidHyperparameters extends Error {}

/**
 * Whether another node might succeed where this one failed. An invalid graph or settings, or a
 * diverging loss, fails the same way everywhere (training is deterministic for a seed); a crash,
 * a lost connection or a damaged download may not.
 */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof GraphCompileError || error instanceof TrainingDiverged || error instanceof InvalidHyperparameters);
}
