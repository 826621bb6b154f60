import type { Access } from "../../auth/capability";
import { reachableSql } from "../job-access";
import type { Sql } from "../job-row";

/** Makes a job within the access's reach public or private, in any state; false when nothing changed. */
export async function setJobVisibility(db: Sql, jobId: string, access: Access, visible: boolean): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE jobs SET public = ${visible}, updated_at = now()
    WHERE id = ${jobId}::uuid AND ${reachableSql(access)}
    RETURNING id::text AS id`;
  return rows.length > 0;
}
