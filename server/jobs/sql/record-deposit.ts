import { snapshotOf, type JobSnapshot, type SnapshotColumns, type Sql } from "../job-row";
import { TRANSITIONS, statusIn } from "../job-status";

/** Pay (AWAITING_PAYMENT → QUEUED): the job's deposit was counted; it enters the queue. Null when the job no longer waits for one (paid already, cancelled, expired). */
export async function recordDeposit(db: Sql, jobId: string, signature: string): Promise<JobSnapshot | null> {
  const [row] = await db.$queryRaw<SnapshotColumns[]>`
    UPDATE jobs SET status = 'QUEUED', escrow_tx = ${signature}, updated_at = now()
    WHERE id = ${jobId}::uuid AND ${statusIn(TRANSITIONS.pay.from)}
    RETURNING id::text AS id, status, progress, current_epoch, total_epochs, samples_per_second, eta_seconds, memory_bytes`;
  return row ? snapshotOf(row) : null;
}
