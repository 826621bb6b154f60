import type { Dataset } from "../dataset-format";

export interface ClassShare {
  label: string;
  count: number;
  /** count / samples, 0 for an empty dataset. */
  share: number;
}

/**
 * How many samples each class has, in class-index order, classes without samples included.
 * Throws for a regression dataset rather than returning [], so that a caller that forgot to
 * branch on the task does not show an empty chart as if it were data.
 */
export function classBalance(dataset: Dataset): ClassShare[] {
  const { spec, targets } = dataset;
  if (spec.task !== "classification") throw new Error(`"${spec.name}" is a regression dataset; it has no classes`);
  if (spec.targets.shape.length > 0) throw new Error(`"${spec.name}" has targets of shape [${spec.targets.shape.join(",")}], not one class index per sample`);
  // Without a declared class count, the largest index seen sets it (the array grows with gaps).
  const counts = new Array<number>(spec.targets.classes ?? 0).fill(0);
  for (const t of targets) counts[t] = (counts[t] ?? 0) + 1;
  return Array.from(counts, (count = 0, i) => ({
    label: spec.targets.classNames?.[i] ?? String(i),
    count,
    share: targets.length ? count / targets.length : 0,
  }));
}

export interface TargetStats {
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
}

/** Statistics over every target value of a regression dataset (all elements when a target is not a scalar). */
export function targetStats(dataset: Dataset): TargetStats {
  const { spec, targets } = dataset;
  if (spec.task !== "regression") throw new Error(`"${spec.name}" is a classification dataset; use classBalance`);
  if (targets.length === 0) throw new Error(`"${spec.name}" has no samples`);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const t of targets) {
    min = Math.min(min, t);
    max = Math.max(max, t);
    sum += t;
  }
  const mean = sum / targets.length;
  let squares = 0;
  for (const t of targets) squares += (t - mean) ** 2;
  return { min, max, mean, std: Math.sqrt(squares / targets.length) };
}

/**
 * The first samples as stored (features unscaled), each followed by its target values, for a
 * table preview. Images (features of more than one dimension) give their targets only: their
 * pixels are no use as table columns.
 */
export function previewRows(dataset: Dataset, limit: number): number[][] {
  const { spec, features, targets } = dataset;
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`limit must be a non-negative integer, not ${limit}`);
  const featureSize = spec.features.shape.reduce((a, b) => a * b, 1);
  const targetSize = spec.targets.shape.reduce((a, b) => a * b, 1);
  const withFeatures = spec.features.shape.length <= 1;
  return Array.from({ length: Math.min(limit, spec.count) }, (_, i) => [
    ...(withFeatures ? features.subarray(i * featureSize, (i + 1) * featureSize) : []),
    ...targets.subarray(i * targetSize, (i + 1) * targetSize),
  ]);
}

export interface SplitCounts {
  train: number;
  validation: number;
  test: number;
}

/**
 * How many of count samples go to each part for the given validation and test shares, rounded
 * down as training splits them (lib/train/data-pipeline), the rest training.
 */
export function splitCounts(count: number, validation: number, test: number): SplitCounts {
  if (!Number.isInteger(count) || count < 0) throw new Error(`the sample count must be a non-negative integer, not ${count}`);
  for (const [what, share] of [["validation", validation], ["test", test]] as const) {
    if (!(share >= 0 && share < 1)) throw new Error(`the ${what} share must be at least 0 and below 1, not ${share}`);
  }
  if (validation + test >= 1) throw new Error(`validation + test must be below 1 to leave samples to train on, not ${validation + test}`);
  const parts = { validation: Math.floor(count * validation), test: Math.floor(count * test) };
  return { train: count - parts.validation - parts.test, ...parts };
}
