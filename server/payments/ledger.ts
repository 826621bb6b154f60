import type { Prisma } from "../db/database";
import { markConfirmed } from "./sql/mark-confirmed";
import { markExpired } from "./sql/mark-expired";
import { markFailed } from "./sql/mark-failed";
import { recordDeposit, type Deposit } from "./sql/record-deposit";
import { recordIntent, type Intent, type IntentRecorded } from "./sql/record-intent";
import { recordSigned } from "./sql/record-signed";
import { OPEN_STATES, type Transfer } from "./transfer-row";

/**
 * The payments ledger, table payment_transfers: every lamport that moves for a job is a row, and every
 * state change is one statement (one file under sql/) naming the states it expects, so that a crash
 * or a race between instances changes nothing it should not:
 *
 *     intent ──signed──▶ sent ──▶ confirmed
 *        │                 ├────▶ failed    (moved nothing)
 *        └─────────────────┴────▶ expired   (never landed, never will)
 */
export class PaymentLedger {
  constructor(private readonly prisma: Prisma) {}

  recordIntent(intent: Intent): Promise<IntentRecorded> {
    return recordIntent(this.prisma, intent);
  }

  recordSigned(id: string, signature: string, lastValidBlockHeight: bigint): Promise<Transfer | null> {
    return recordSigned(this.prisma, id, signature, lastValidBlockHeight);
  }

  markConfirmed(id: string): Promise<Transfer | null> {
    return markConfirmed(this.prisma, id);
  }

  markFailed(id: string, error: string): Promise<Transfer | null> {
    return markFailed(this.prisma, id, error);
  }

  markExpired(id: string, reason: string): Promise<Transfer | null> {
    return markExpired(this.prisma, id, reason);
  }

  recordDeposit(deposit: Deposit): Promise<{ created: boolean; transfer: Transfer }> {
    return recordDeposit(this.prisma, deposit);
  }

  /** What would keep `intent` from being written (see sql/record-intent.ts): a transfer of the job still open, or the same one already confirmed. */
  blocker(intent: Pick<Intent, "jobId" | "kind" | "attempt">): Promise<Transfer | null> {
    return this.prisma.transfer.findFirst({
      where: {
        jobId: intent.jobId,
        kind: { not: "deposit" },
        OR: [{ state: { in: [...OPEN_STATES] } }, { kind: intent.kind, attempt: intent.attempt ?? null, state: "confirmed" }],
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
  }

  transferBySignature(signature: string): Promise<Transfer | null> {
    return this.prisma.transfer.findUnique({ where: { signature } });
  }

  /** A job's transfers, oldest first. */
  transfers(jobId: string): Promise<Transfer[]> {
    return this.prisma.transfer.findMany({ where: { jobId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }

  /** Every transfer not settled yet, oldest first: reconciliation's work. */
  open(): Promise<Transfer[]> {
    return this.prisma.transfer.findMany({ where: { state: { in: [...OPEN_STATES] } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }
}
