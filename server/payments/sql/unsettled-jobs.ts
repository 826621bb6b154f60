import type { Prisma } from "../../db/database";
import { statusIn, TERMINAL_STATUSES } from "../../jobs/job-status";

/** An ended priced job whose money is not yet where it belongs, with what settling it needs. */
export interface UnsettledJob {
  id: string;
  status: string;
  priceLamports: bigint;
  payerAddress: string;
  attempt: number;
  /** The wallet of the node that completed it; null when it has none (or it did not complete). */
  nodeWallet: string | null;
  paid: boolean;
}

/** Ended priced jobs not settled yet, oldest first: the settlement sweep's work. */
export async function unsettledJobs(prisma: Prisma, limit: number): Promise<UnsettledJob[]> {
  const rows = await prisma.$queryRaw<{ id: string; status: string; price_lamports: bigint; payer_address: string; attempts: number; wallet_address: string | null; paid: boolean }[]>`
    SELECT j.id::text AS id, j.status, j.price_lamports, j.payer_address, j.attempts, n.wallet_address, j.escrow_tx IS NOT NULL AS paid
    FROM jobs j LEFT JOIN nodes n ON n.id = j.assigned_node AND j.status = 'COMPLETED'
    WHERE j.price_lamports > 0 AND j.payment_settled_at IS NULL AND ${statusIn(TERMINAL_STATUSES, "j")}
    ORDER BY j.completed_at NULLS FIRST, j.id
    LIMIT ${limit}`;
  return rows.map((r) => ({ id: r.id, status: r.status, priceLamports: r.price_lamports, payerAddress: r.payer_address, attempt: r.attempts, nodeWallet: r.wallet_address, paid: r.paid }));
}

/** Marks a job's money as settled, with the transactions that settled it: the sweep leaves it alone from now on. */
export async function markSettled(prisma: Prisma, jobId: string, transactions: { release?: string; refund?: string }): Promise<void> {
  await prisma.$executeRaw`
    UPDATE jobs SET payment_settled_at = now(), release_tx = ${transactions.release ?? null}, refund_tx = ${transactions.refund ?? null}
    WHERE id = ${jobId}::uuid AND payment_settled_at IS NULL`;
}
