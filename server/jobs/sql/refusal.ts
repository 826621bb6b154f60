import type { JobHolder } from "../job-status";
import { holds, type Refusal, type Sql } from "../job-row";

/** Why an operation that names a holder found nothing to change: read after the statement missed. */
export async function refusalOf(db: Sql, jobId: string, holder: JobHolder): Promise<Refusal> {
  const [job] = await db.$queryRaw<{ status: string; assignedNodeId: string | null; attempts: number }[]>`
    SELECT status, assigned_node::text AS "assignedNodeId", attempts FROM jobs WHERE id = ${jobId}::uuid`;
  if (!job || !holds(job, holder)) return "not_assigned";
  return job.status === "CANCELLED" ? "cancelled" : "finished";
}
