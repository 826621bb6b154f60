import type { JobMetric } from "../../db/generated/client";
import { heldBySql, type JobHolder } from "../job-status";
import type { ProgressUpdate, Sql } from "../job-row";

/**
 * A progress report's curve point (when it has metrics), inserted only if the holder still holds
 * the running job: the check and the write are one statement, as for every job state change. The
 * hot path of progress within an epoch (cache/job-progress.ts), which leaves the row alone.
 * Undefined when the holder does not hold the job.
 */
export async function insertPointIfHeld(db: Sql, jobId: string, holder: JobHolder, update: ProgressUpdate): Promise<{ totalEpochs: number; point?: JobMetric } | undefined> {
  const values = Object.keys(update.metrics).length > 0 ? JSON.stringify(update.metrics) : null;
  const rows = await db.$queryRaw<{ total_epochs: number; point_id: bigint | null; created_at: Date | null }[]>`
    WITH held AS (
      SELECT id, attempts, total_epochs FROM jobs WHERE ${heldBySql(jobId, holder, ["RUNNING"])}),
    point AS (
      INSERT INTO job_metrics (job_id, attempt, step, epoch, "values")
      SELECT id, attempts, ${update.step}::float8, ${update.currentEpoch}::int, ${values}::jsonb FROM held WHERE ${values}::jsonb IS NOT NULL
      RETURNING id, created_at)
    SELECT held.total_epochs, point.id AS point_id, point.created_at FROM held LEFT JOIN point ON TRUE`;
  const row = rows[0];
  if (!row) return undefined;
  const point: JobMetric | undefined =
    row.point_id !== null && row.created_at !== null
      ? { id: row.point_id, jobId, attempt: holder.attempt, step: update.step, epoch: update.currentEpoch, values: update.metrics, createdAt: row.created_at }
      : undefined;
  return { totalEpochs: row.total_epochs, point };
}
