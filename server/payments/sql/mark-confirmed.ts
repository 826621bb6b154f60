import { TRANSFER_COLUMNS, type Sql, type Transfer } from "../transfer-row";

/** The chain has the transaction finalized and successful. Null when the row was not sent (already settled). */
export async function markConfirmed(db: Sql, id: string): Promise<Transfer | null> {
  const [row] = await db.$queryRaw<Transfer[]>`
    UPDATE payment_transfers SET state = 'confirmed', error = NULL, updated_at = now()
    WHERE id = ${id}::uuid AND state = 'sent'
    RETURNING ${TRANSFER_COLUMNS}`;
  return row ?? null;
}
