import { TRANSFER_COLUMNS, type Sql, type Transfer } from "../transfer-row";

/**
 * The intent is signed: its signature and the block height after which it can never land, written
 * before the transaction is sent, so that whatever happens next the chain can be asked about it. The
 * row is "sent" from here on (it may be on the wire). Null when the row was no longer an intent.
 */
export async function recordSigned(db: Sql, id: string, signature: string, lastValidBlockHeight: bigint): Promise<Transfer | null> {
  const [row] = await db.$queryRaw<Transfer[]>`
    UPDATE payment_transfers SET state = 'sent', signature = ${signature}, last_valid_block_height = ${lastValidBlockHeight}, updated_at = now()
    WHERE id = ${id}::uuid AND state = 'intent'
    RETURNING ${TRANSFER_COLUMNS}`;
  return row ?? null;
}
