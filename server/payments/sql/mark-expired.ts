import { TRANSFER_COLUMNS, type Sql, type Transfer } from "../transfer-row";

/**
 * The transfer never happened and never will: an intent never signed, or a signed one whose blockhash
 * expired with no trace of it on the chain. Its release or refund may be written again. Null when the
 * row was already settled.
 */
export async function markExpired(db: Sql, id: string, reason: string): Promise<Transfer | null> {
  const [row] = await db.$queryRaw<Transfer[]>`
    UPDATE payment_transfers SET state = 'expired', error = ${reason}, updated_at = now()
    WHERE id = ${id}::uuid AND state IN ('intent', 'sent')
    RETURNING ${TRANSFER_COLUMNS}`;
  return row ?? null;
}
