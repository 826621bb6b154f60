import { TRANSFER_COLUMNS, type Sql, type Transfer } from "../transfer-row";

export interface Deposit {
  jobId: string;
  fromAddress: string;
  toAddress: string;
  lamports: bigint;
  signature: string;
}

/**
 * Counts a deposit the chain has shown finalized. A signature counts once: given again, the row it
 * was first counted in comes back (created false), whichever job that was.
 */
export async function recordDeposit(db: Sql, deposit: Deposit): Promise<{ created: boolean; transfer: Transfer }> {
  const rows = await db.$queryRaw<(Transfer & { created: boolean })[]>`
    WITH inserted AS (
      INSERT INTO payment_transfers (job_id, kind, from_address, to_address, lamports, state, signature)
      VALUES (${deposit.jobId}::uuid, 'deposit', ${deposit.fromAddress}, ${deposit.toAddress}, ${deposit.lamports}, 'confirmed', ${deposit.signature})
      ON CONFLICT (signature) DO NOTHING
      RETURNING ${TRANSFER_COLUMNS})
    SELECT *, TRUE AS created FROM inserted
    UNION ALL
    SELECT ${TRANSFER_COLUMNS}, FALSE FROM payment_transfers WHERE signature = ${deposit.signature} AND NOT EXISTS (SELECT 1 FROM inserted)`;
  const [row] = rows;
  if (!row) return recordDeposit(db, deposit);
  const { created, ...transfer } = row;
  return { created, transfer };
}
