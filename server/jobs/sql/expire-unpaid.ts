import { snapshotOf, type JobSnapshot, type SnapshotColumns, type Sql } from "../job-row";
import { TRANSITIONS, statusIn } from "../job-status";

/** Expire (AWAITING_PAYMENT → EXPIRED): priced jobs whose deposit did not come by their deadline. */
export async function expireUnpaid(db: Sql): Promise<JobSnapshot[]> {
  const rows = await db.$queryRaw<SnapshotColumns[]>`
    UPDATE jobs SET status = 'EXPIRED', error = 'not paid before its deadline: nothing was charged', completed_at = now(), updated_at = now()
    WHERE ${statusIn(TRANSITIONS.expire.from)} AND payment_deadline < now()
    RETURNING id::text AS id, status, progress, current_epoch, total_epochs, samples_per_second, eta_seconds, memory_bytes`;
  return rows.map(snapshotOf);
}
