import type { Access } from "../../auth/capability";
import { reachableSql } from "../job-access";
import { statusIn, TERMINAL_STATUSES } from "../job-status";
import type { Sql } from "../job-row";

/** Removes an ended job within the access's reach, with its attempts, curves and logs (by cascade); false when nothing was removed. */
export async function deleteJob(db: Sql, jobId: string, access: Access): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    DELETE FROM jobs WHERE id = ${jobId}::uuid AND ${reachableSql(access)} AND ${statusIn(TERMINAL_STATUSES)}
    RETURNING id::text AS id`;
  return rows.length > 0;
}
