import type { JobLog } from "../../db/generated/client";
import { heldBySql, type JobHolder } from "../job-status";
import { snapshotOf, type Completion, type JobSnapshot, type Refusal, type SnapshotColumns, type Sql } from "../job-row";
import { refusalOf } from "./refusal";

/**
 * The node's result: the job completes, its attempt with it, and the log line is written, all in
 * one statement (the hot path of a busy scheduler: one round trip per completion).
 */
export async function completeJob(
  db: Sql,
  jobId: string,
  holder: JobHolder,
  result: Completion,
  logMessage: string,
): Promise<{ ok: true; job: JobSnapshot; log: JobLog } | { ok: false; refusal: Refusal }> {
  const done = await db.$queryRaw<(SnapshotColumns & { log_id: bigint; log_created_at: Date })[]>`
    WITH done AS (
      UPDATE jobs SET
        status = 'COMPLETED', progress = 1, completed_at = now(), updated_at = now(),
        started_at = COALESCE(started_at, now()),
        current_epoch = total_epochs,
        final_metrics = ${JSON.stringify(result.finalMetrics)}::jsonb,
        latest_metrics = ${JSON.stringify(result.finalMetrics)}::jsonb,
        model_weights_uri = ${result.modelWeightsUri},
        model_weights_sha256 = ${result.modelWeightsSha256},
        backend = COALESCE(${result.backend ?? null}, backend)
      WHERE ${heldBySql(jobId, holder)}
      RETURNING id, status, progress, current_epoch, total_epochs, samples_per_second, eta_seconds, memory_bytes, attempts),
    attempt AS (
      UPDATE job_attempts a SET outcome = 'COMPLETED', ended_at = now()
      FROM done WHERE a.job_id = done.id AND a.attempt = done.attempts),
    log AS (
      INSERT INTO job_logs (job_id, level, message) SELECT id, 'info', ${logMessage} FROM done
      RETURNING id, created_at)
    SELECT done.id::text AS id, status, progress, current_epoch, total_epochs, samples_per_second, eta_seconds, memory_bytes,
      log.id AS log_id, log.created_at AS log_created_at
    FROM done, log`;
  const row = done[0];
  if (!row) return { ok: false, refusal: await refusalOf(db, jobId, holder) };
  return { ok: true, job: snapshotOf(row), log: { id: row.log_id, jobId, level: "info", message: logMessage, createdAt: row.log_created_at } };
}
