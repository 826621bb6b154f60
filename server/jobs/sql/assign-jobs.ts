import type { JobLog } from "../../db/generated/client";
import { claimableSql, heldSql } from "../job-status";
import type { Sql } from "../job-row";

/**
 * Hands each job to the node it was paired with (QUEUED → ASSIGNED), records the attempt and logs
 * it, in one statement however many pairs there are. A job no longer claimable (paused, taken by
 * another round) and a node that meanwhile holds a job are skipped, so a node never holds two
 * even when instances race for it. The jobs assigned, in no particular order.
 */
export async function assignJobs(db: Sql, pairs: { jobId: string; nodeId: string }[]): Promise<{ jobId: string; nodeId: string; log: JobLog }[]> {
  const rows = await db.$queryRaw<{ job_id: string; node_id: string; log_id: bigint; message: string; created_at: Date }[]>`
    WITH pairs AS (
      SELECT * FROM unnest(${pairs.map((p) => p.jobId)}::uuid[], ${pairs.map((p) => p.nodeId)}::uuid[]) AS p(job_id, node_id)),
    claimed AS (
      UPDATE jobs SET status = 'ASSIGNED', assigned_node = p.node_id, attempts = jobs.attempts + 1,
        assigned_at = now(), updated_at = now(), progress = 0, current_epoch = 0
      FROM pairs p
      WHERE jobs.id = p.job_id AND ${claimableSql("jobs")}
        AND NOT EXISTS (SELECT 1 FROM jobs held WHERE held.assigned_node = p.node_id AND ${heldSql("held")})
      RETURNING jobs.id, jobs.assigned_node, jobs.attempts),
    attempt AS (
      INSERT INTO job_attempts (job_id, node_id, attempt, outcome)
      SELECT id, assigned_node, attempts, 'RUNNING' FROM claimed),
    log AS (
      INSERT INTO job_logs (job_id, level, message)
      SELECT id, 'info', format('assigned to node %s (attempt %s)', assigned_node, attempts) FROM claimed
      RETURNING id, job_id, message, created_at)
    SELECT c.id::text AS job_id, c.assigned_node::text AS node_id, l.id AS log_id, l.message, l.created_at
    FROM claimed c JOIN log l ON l.job_id = c.id`;
  return rows.map((c) => ({
    jobId: c.job_id,
    nodeId: c.node_id,
    log: { id: c.log_id, jobId: c.job_id, level: "info", message: c.message, createdAt: c.created_at },
  }));
}
