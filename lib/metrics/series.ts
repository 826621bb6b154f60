/** Helpers for plotting and exporting training curves (loss, accuracy, … per step or epoch). */

/**
 * Exponential moving average as TensorBoard draws it, weight in [0, 1) (0: no smoothing).
 * The average starts from 0, so each value is divided by the total weight given to real values so
 * far (debiasing); otherwise the first points would be pulled toward 0. Non-finite values (a
 * diverged step, a missing metric) pass through as they are and are left out of the average, so
 * one NaN does not turn the rest of the curve into NaN.
 */
export function smooth(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new Error(`smoothing weight must be in [0, 1), got ${weight}`);
  let average = 0;
  let count = 0;
  return values.map((value) => {
    if (!Number.isFinite(value)) return value;
    average = average * weight + (1 - weight) * value;
    count++;
    return average / (1 - weight ** count);
  });
}

/** Values a log-scale axis can show, with null where it cannot (≤ 0, NaN, ±Infinity), so the chart leaves a gap. */
export function logSafe(values: readonly number[]): (number | null)[] {
  return values.map((value) => (Number.isFinite(value) && value > 0 ? value : null));
}

/** A named series of points, e.g. one training run's metrics per epoch. */
export interface CsvRun {
  name: string;
  points: Record<string, number | undefined>[];
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * All runs as one CSV table: a row per point, headed `run` and then every key any point has, in the
 * order first seen; values a point lacks are left empty. Quoting follows RFC 4180; lines end in \n,
 * the last one included.
 */
export function runsToCsv(runs: readonly CsvRun[]): string {
  const keys = [...new Set(runs.flatMap((run) => run.points.flatMap((point) => Object.keys(point))))];
  const rows = [["run", ...keys].map(csvField)];
  for (const run of runs) {
    for (const point of run.points) rows.push([csvField(run.name), ...keys.map((key) => (point[key] === undefined ? "" : String(point[key])))]);
  }
  return rows.map((row) => `${row.join(",")}\n`).join("");
}
