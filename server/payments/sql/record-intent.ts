import { TRANSFER_COLUMNS, type Sql, type Transfer } from "../transfer-row";

export interface Intent {
  jobId: string;
  kind: "release" | "refund";
  /** A release's attempt. */
  attempt?: number;
  fromAddress: string;
  toAddress: string;
  lamports: bigint;
  feeLamports: bigint;
  treasuryAddress?: string;
}

/** The intent was written, or the row that stands in its way: a live transfer of the same kind (and attempt), or another of the job's still open. */
export type IntentRecorded = { created: true; transfer: Transfer } | { created: false; blocker: Transfer };

/**
 * Writes an intent to move lamports out of a job's escrow, before anything is signed. Refused, in the
 * same statement, while the job has a release or refund not yet settled (their amounts were computed
 * from one escrow balance) and, by the partial unique indexes, when the same release or refund is
 * already live: a transfer is written at most once until the chain shows it can never land.
 */
export async function recordIntent(db: Sql, intent: Intent): Promise<IntentRecorded> {
  const attempt = intent.attempt ?? null;
  const rows = await db.$queryRaw<(Transfer & { created: boolean })[]>`
    WITH inserted AS (
      INSERT INTO payment_transfers (job_id, attempt, kind, from_address, to_address, lamports, fee_lamports, treasury_address, state)
      SELECT ${intent.jobId}::uuid, ${attempt}::int, ${intent.kind}, ${intent.fromAddress}, ${intent.toAddress}, ${intent.lamports}, ${intent.feeLamports},
             ${intent.treasuryAddress ?? null}, 'intent'
      WHERE NOT EXISTS (SELECT 1 FROM payment_transfers WHERE job_id = ${intent.jobId}::uuid AND kind <> 'deposit' AND state IN ('intent', 'sent'))
      ON CONFLICT DO NOTHING
      RETURNING ${TRANSFER_COLUMNS})
    SELECT *, TRUE AS created FROM inserted
    UNION ALL
    (SELECT ${TRANSFER_COLUMNS}, FALSE FROM payment_transfers
     WHERE job_id = ${intent.jobId}::uuid AND kind <> 'deposit' AND NOT EXISTS (SELECT 1 FROM inserted)
       AND (state IN ('intent', 'sent') OR (kind = ${intent.kind} AND attempt IS NOT DISTINCT FROM ${attempt}::int AND state = 'confirmed'))
     ORDER BY created_at LIMIT 1)`;
  const [row] = rows;
  // Neither: a concurrent intent committed while this statement waited on it, outside its snapshot.
  if (!row) return recordIntent(db, intent);
  const { created, ...transfer } = row;
  return created ? { created: true, transfer } : { created: false, blocker: transfer };
}
