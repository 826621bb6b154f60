import { TRANSFER_COLUMNS, type Sql, type Transfer } from "../transfer-row";

/**
 * The transaction moved nothing: refused at preflight (never forwarded) or executed and failed. Its
 * release or refund may be written again. Null when the row was not sent.
 */
export async function markFailed(db: Sql, id: string, error: string): Promise<Transfer | null> {
  const [row] = await db.$queryRaw<Transfer[]>`
    UPDATE payment_transfers SET state = 'failed', error = ${error}, updated_at = now()
    WHERE id = ${id}::uuid AND state = 'sent'
    RETURNING ${TRANSFER_COLUMNS}`;
  return row ?? null;
}
