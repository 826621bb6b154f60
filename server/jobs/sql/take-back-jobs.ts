import { Prisma as PrismaNamespace } from "../../db/generated/client";
import { heldSql } from "../job-status";
import type { Sql } from "../job-row";

const { sql } = PrismaNamespace;
type Fragment = PrismaNamespace.Sql;

/** A job taken back from a node: to the queue, or failed when its attempts are spent. */
export interface LostJob {
  id: string;
  status: "QUEUED" | "FAILED";
  nodeId: string;
}

/**
 * Takes back the jobs held by the nodes `lostNodes` selects (a statement returning their ids, which
 * may itself change them: marking silent nodes offline), except those in `keep` and those not
 * matching `only` (a condition on `j`): to the queue while attempts remain, else failed, their
 * attempts recorded as lost with the reason. One statement, so instances doing this together
 * never move a job twice.
 */
export function takeBackJobs(db: Sql, lostNodes: Fragment, keep: string[], reason: string, only: Fragment = sql`TRUE`): Promise<LostJob[]> {
  return db.$queryRaw<LostJob[]>`
    WITH lost AS (${lostNodes}),
    moved AS (
      UPDATE jobs j SET
        status = CASE WHEN j.attempts < j.max_attempts THEN 'QUEUED' ELSE 'FAILED' END,
        assigned_node = CASE WHEN j.attempts < j.max_attempts THEN NULL ELSE j.assigned_node END,
        completed_at = CASE WHEN j.attempts < j.max_attempts THEN NULL ELSE now() END,
        error = CASE WHEN j.attempts < j.max_attempts THEN j.error
                     ELSE format('attempt %s of %s lost: %s', j.attempts, j.max_attempts, ${reason}::text) END,
        progress = CASE WHEN j.attempts < j.max_attempts THEN 0 ELSE j.progress END,
        updated_at = now()
      FROM lost
      WHERE j.assigned_node = lost.id AND ${heldSql("j")} AND ${only}
        AND NOT (j.id::text = ANY(${keep}::text[]))
      RETURNING j.id, j.attempts, j.status, lost.id AS node_id),
    attempt AS (
      UPDATE job_attempts a SET outcome = 'LOST', error = ${reason}, ended_at = now()
      FROM moved WHERE a.job_id = moved.id AND a.attempt = moved.attempts)
    SELECT id::text AS id, status, node_id::text AS "nodeId" FROM moved`;
}
