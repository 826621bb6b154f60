import type { ServerContext } from "../context";
import { publishJobEvent } from "../events/job-events";
import { expireUnpaid } from "../jobs/sql/expire-unpaid";
import { PaymentError } from "./errors";
import type { Escrow } from "./escrow";
import { markSettled, unsettledJobs, type UnsettledJob } from "./sql/unsettled-jobs";

type SettlementContext = Pick<ServerContext, "db" | "bus" | "jobs" | "log" | "metrics"> & { payments: { escrow: Escrow; chain: { balance(address: string): Promise<bigint> } } };

/** How many ended jobs one sweep settles: the rest wait for the next. */
const BATCH = 20;

/**
 * What an ended priced job's money becomes: a completed job's price goes to the node that completed
 * it (less the platform fee, in one transaction), anything else left in its escrow back to the payer;
 * a job that ended otherwise (cancelled, failed, expired) is refunded whatever its escrow holds,
 * a late deposit included. Pure.
 */
export function settlementOf(job: Pick<UnsettledJob, "status" | "paid" | "nodeWallet" | "priceLamports">, escrowBalance: bigint): { release?: { wallet: string; lamports: bigint }; refund: boolean } {
  if (job.status === "COMPLETED" && job.paid && job.nodeWallet && escrowBalance >= job.priceLamports) {
    return { release: { wallet: job.nodeWallet, lamports: job.priceLamports }, refund: escrowBalance > job.priceLamports };
  }
  return { refund: escrowBalance > 0n };
}

/**
 * One sweep: unpaid jobs past their deadline expire, and ended priced jobs are settled. Every
 * movement goes through the escrow's ledger (intent before signing, at most one release per job and
 * attempt, one refund per job), so sweeps in several instances at once, or one interrupted by a
 * crash, never pay twice; a job is marked settled only once its money has landed.
 */
export async function settlePayments(ctx: SettlementContext): Promise<void> {
  for (const job of await expireUnpaid(ctx.db.prisma)) {
    const log = await ctx.jobs.log(job.id, "warn", "expired: not paid before its deadline, nothing was charged");
    await publishJobEvent(ctx.bus, job, { statusChanged: true, logs: [log] });
  }
  for (const job of await unsettledJobs(ctx.db.prisma, BATCH)) {
    try {
      await settle(ctx, job);
    } catch (error) {
      // The chain may be down or the escrow not final yet: the next sweep tries again, and the ledger keeps it from paying twice.
      ctx.log.warn({ err: error, jobId: job.id }, error instanceof PaymentError ? `payment of job ${job.id} waits: ${error.message}` : "settling a job's payment failed");
    }
  }
}

async function settle(ctx: SettlementContext, job: UnsettledJob): Promise<void> {
  const { escrow, chain } = ctx.payments;
  const plan = settlementOf(job, await chain.balance(await escrow.address(job.id)));
  const transactions: { release?: string; refund?: string } = {};
  if (plan.release) {
    const { transfer, outcome, moved } = await escrow.release(job.id, job.attempt, plan.release.wallet, plan.release.lamports);
    if (transfer.state !== "confirmed") throw new PaymentError("not_finalized", `release ${transfer.signature ?? ""} is ${outcome?.status ?? transfer.state}`);
    transactions.release = transfer.signature ?? undefined;
    if (moved) {
      ctx.metrics.lamports.inc({ kind: "release" }, Number(transfer.lamports - transfer.feeLamports));
      ctx.metrics.lamports.inc({ kind: "fee" }, Number(transfer.feeLamports));
    }
    await ctx.jobs.log(
      job.id,
      "info",
      `paid: ${transfer.lamports - transfer.feeLamports} lamports to the node's wallet ${transfer.toAddress}, ${transfer.feeLamports} platform fee (transaction ${transfer.signature})`,
    );
  }
  if (plan.refund) {
    const { transfer, outcome, moved } = await escrow.refund(job.id, job.payerAddress);
    if (transfer.state !== "confirmed") throw new PaymentError("not_finalized", `refund ${transfer.signature ?? ""} is ${outcome?.status ?? transfer.state}`);
    transactions.refund = transfer.signature ?? undefined;
    if (moved) ctx.metrics.lamports.inc({ kind: "refund" }, Number(transfer.lamports));
    await ctx.jobs.log(job.id, "info", `refunded: ${transfer.lamports} lamports to ${transfer.toAddress} (transaction ${transfer.signature})`);
  }
  await markSettled(ctx.db.prisma, job.id, transactions);
}

/** Sweeps every `periodMs` in the background (never two at once in this process). */
export function startPaymentSettlement(ctx: SettlementContext, periodMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void settlePayments(ctx)
      .catch((error: unknown) => ctx.log.error({ err: error }, "payment settlement failed"))
      .finally(() => (running = false));
  }, periodMs);
  return () => clearInterval(timer);
}
