import type { Signature } from "@solana/kit";
import type { ChainClient, Outcome } from "../../lib/payments/chain-client";
import type { PaymentLedger } from "./ledger";
import type { Transfer } from "./transfer-row";

/**
 * Settles one open transfer by asking the chain, or leaves it open when the chain cannot tell yet:
 * - an intent was never signed, so nothing can be on the wire: expired (its operation may be retried);
 * - a signed one found finalized is confirmed, or failed if it failed;
 * - a signed one not found once the finalized block height has passed its last valid one can never
 *   land: expired, and retrying writes a new intent with a new transaction;
 * - otherwise (not final, or still within its blockhash's life, or the chain unreachable) it stays.
 *
 * An intent younger than `minIntentAgeMs` may belong to an operation under way in this or another
 * instance, and is left alone; expiring it would be safe (that operation's next step, recording the
 * signature, requires an intent and would stop it before sending), but would fail it needlessly.
 */
export async function settle(ledger: PaymentLedger, chain: ChainClient, transfer: Transfer, options: { minIntentAgeMs?: number; now?: Date } = {}): Promise<Transfer> {
  if (transfer.state === "intent") {
    const age = (options.now ?? new Date()).getTime() - transfer.createdAt.getTime();
    if (age < (options.minIntentAgeMs ?? 0)) return transfer;
    return (await ledger.markExpired(transfer.id, "never signed: the operation stopped before its transaction existed")) ?? transfer;
  }
  if (transfer.state !== "sent" || !transfer.signature || transfer.lastValidBlockHeight === null) return transfer;
  let outcome;
  try {
    outcome = await chain.outcome(transfer.signature as Signature, transfer.lastValidBlockHeight);
  } catch {
    return transfer;
  }
  return (
    (await recordOutcome(ledger, transfer.id, outcome, `not on the chain when its blockhash expired (last valid block ${transfer.lastValidBlockHeight}): it never landed and never will`)) ?? transfer
  );
}

/** Writes what the chain says of a sent transfer to its row (null while the chain cannot tell yet, or when the row was settled already). */
export async function recordOutcome(ledger: PaymentLedger, transferId: string, outcome: Outcome, expired: string): Promise<Transfer | null> {
  if (outcome.status === "confirmed") return ledger.markConfirmed(transferId);
  if (outcome.status === "failed") return ledger.markFailed(transferId, outcome.error);
  if (outcome.status === "expired") return ledger.markExpired(transferId, expired);
  return null;
}

export interface Reconciliation {
  settled: Transfer[];
  /** Still open: the chain could not tell yet (a transaction within its blockhash's life, or the chain unreachable). */
  open: Transfer[];
}

/** Every open transfer, settled against the chain where it can be (the server runs this on start). */
export async function reconcile(ledger: PaymentLedger, chain: ChainClient, options: { minIntentAgeMs?: number } = {}): Promise<Reconciliation> {
  const result: Reconciliation = { settled: [], open: [] };
  for (const transfer of await ledger.open()) {
    const after = await settle(ledger, chain, transfer, options);
    (after.state === "intent" || after.state === "sent" ? result.open : result.settled).push(after);
  }
  return result;
}
