import type { Access } from "../../auth/capability";
import { reachableSql } from "../job-access";
import { statusIn, UNFINISHED_STATUSES } from "../job-status";
import type { Sql } from "../job-row";

/** Pauses or resumes a job within the access's reach that has not ended (pausing is a flag, not a state); false when nothing changed. */
export async function pauseJob(db: Sql, jobId: string, access: Access, paused: boolean): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE jobs SET paused = ${paused}, updated_at = now()
    WHERE id = ${jobId}::uuid AND ${reachableSql(access)} AND ${statusIn(UNFINISHED_STATUSES)}
    RETURNING id::text AS id`;
  return rows.length > 0;
}
