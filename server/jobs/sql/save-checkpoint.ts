import { heldBySql, isHeld, type JobHolder } from "../job-status";
import { holds, type Refusal, type Sql } from "../job-row";
import { refusalOf } from "./refusal";

/**
 * Keeps a checkpoint of a job the node holds, unless the job already has one at least as late (a
 * slow upload must not replace a newer checkpoint). The state stays as it is.
 */
export async function saveCheckpoint(db: Sql, jobId: string, holder: JobHolder, epoch: number, sha256: string): Promise<{ ok: true } | { ok: false; refusal: Refusal | "stale" }> {
  const saved = await db.$queryRaw<{ id: string }[]>`
    UPDATE jobs SET checkpoint_sha256 = ${sha256}, checkpoint_epoch = ${epoch}, updated_at = now()
    WHERE ${heldBySql(jobId, holder)} AND COALESCE(checkpoint_epoch, 0) < ${epoch}
    RETURNING id`;
  if (saved.length > 0) return { ok: true };
  const [job] = await db.$queryRaw<{ status: string; assignedNodeId: string | null; attempts: number }[]>`
    SELECT status, assigned_node::text AS "assignedNodeId", attempts FROM jobs WHERE id = ${jobId}::uuid`;
  const held = job !== undefined && holds(job, holder) && isHeld(job.status);
  return { ok: false, refusal: held ? "stale" : await refusalOf(db, jobId, holder) };
}
