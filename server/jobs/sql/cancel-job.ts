import type { Access } from "../../auth/capability";
import { reachableSql } from "../job-access";
import { statusIn, TRANSITIONS } from "../job-status";
import type { Sql } from "../job-row";

/** Cancels a job within the access's reach that has not ended, with its running attempt; the node that held it (if any), or null when nothing was cancelled. */
export async function cancelJob(db: Sql, jobId: string, access: Access, reason: string): Promise<{ nodeId: string | null } | null> {
  const rows = await db.$queryRaw<{ id: string; assigned_node: string | null }[]>`
    WITH c AS (
      UPDATE jobs SET status = 'CANCELLED', completed_at = now(), updated_at = now(), error = ${reason}
      WHERE id = ${jobId}::uuid AND ${reachableSql(access)} AND ${statusIn(TRANSITIONS.cancel.from)}
      RETURNING id, attempts, assigned_node),
    a AS (
      UPDATE job_attempts a SET outcome = 'CANCELLED', ended_at = now()
      FROM c WHERE a.job_id = c.id AND a.attempt = c.attempts AND a.outcome = 'RUNNING')
    SELECT id, assigned_node::text AS assigned_node FROM c`;
  const row = rows[0];
  return row ? { nodeId: row.assigned_node } : null;
}
