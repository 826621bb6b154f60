import { heldBySql, type JobHolder } from "../job-status";
import type { Refusal, Sql } from "../job-row";
import { refusalOf } from "./refusal";

/**
 * The node gave up on the job. A retryable failure goes back to the queue (the scheduler will not
 * give it to this node again) until the attempts are spent; anything else fails the job.
 */
export async function failJob(db: Sql, jobId: string, holder: JobHolder, error: string, retryable: boolean): Promise<{ ok: true } | { ok: false; refusal: Refusal }> {
  const failed = await db.$queryRaw<{ id: string }[]>`
    WITH f AS (
      UPDATE jobs SET
        status = CASE WHEN ${retryable} AND attempts < max_attempts THEN 'QUEUED' ELSE 'FAILED' END,
        assigned_node = CASE WHEN ${retryable} AND attempts < max_attempts THEN NULL ELSE assigned_node END,
        completed_at = CASE WHEN ${retryable} AND attempts < max_attempts THEN NULL ELSE now() END,
        error = CASE WHEN ${retryable} AND attempts < max_attempts THEN error
                     ELSE format('attempt %s of %s failed: %s', attempts, max_attempts, ${error}::text) END,
        progress = CASE WHEN ${retryable} AND attempts < max_attempts THEN 0 ELSE progress END,
        updated_at = now()
      WHERE ${heldBySql(jobId, holder)}
      RETURNING id, attempts)
    UPDATE job_attempts a SET outcome = 'FAILED', error = ${error}, ended_at = now()
    FROM f WHERE a.job_id = f.id AND a.attempt = f.attempts
    RETURNING f.id`;
  if (failed.length === 0) return { ok: false, refusal: await refusalOf(db, jobId, holder) };
  return { ok: true };
}
