import type { Sql } from "../job-row";

/**
 * Puts a job that was claimed but could not be delivered (the node's stream closed at that
 * instant) back in the queue (ASSIGNED → QUEUED), without counting the attempt against it, and
 * logs why. False when the node no longer holds it unacknowledged.
 */
export async function releaseClaim(db: Sql, jobId: string, nodeId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH r AS (
      UPDATE jobs SET status = 'QUEUED', assigned_node = NULL, assigned_at = NULL, attempts = attempts - 1, updated_at = now()
      WHERE id = ${jobId}::uuid AND assigned_node = ${nodeId}::uuid AND status = 'ASSIGNED'
      RETURNING id, attempts + 1 AS attempt),
    attempt AS (
      DELETE FROM job_attempts a USING r WHERE a.job_id = r.id AND a.attempt = r.attempt),
    log AS (
      INSERT INTO job_logs (job_id, level, message)
      SELECT id, 'warn', format('not delivered: node %s went away as it was assigned; back in the queue', ${nodeId}::text) FROM r)
    SELECT id::text AS id FROM r`;
  return rows.length > 0;
}
