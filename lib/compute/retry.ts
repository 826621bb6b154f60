import { GraphCompileError } from "../train/compile";
import { TrainingDiverged } from "../train/train-loop";

/**
 * Whether another node might succeed where this one failed. An invalid graph or a diverging loss
 * fails the same way everywhere (training is deterministic for a seed); a crash, a lost
 * connection or a damaged download may not.
 */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof GraphCompileError || error instanceof TrainingDiverged);
}
