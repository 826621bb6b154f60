import { Code, createClient } from "@connectrpc/connect";
import { generateKeyPairSigner, type KeyPairSigner } from "@solana/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobStatus, PaymentState } from "../../gen/cyxwiz/v1/job_pb";
import { JobService } from "../../gen/cyxwiz/v1/job_service_pb";
import { PaymentService } from "../../gen/cyxwiz/v1/payment_service_pb";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { depositInstructions } from "../../lib/payments/deposit";
import { escrowAddress } from "../../lib/payments/escrow-address";
import { splitFee } from "../../lib/payments/pricing";
import { inProcessTransport, withJobToken } from "../../tests/helpers/clients";
import { createTestContext, withPayments, type TestContext } from "../../tests/helpers/context";
import { registerNode } from "../../tests/helpers/fixtures";
import { codeOf } from "../../tests/helpers/rpc-errors";
import type { Payments } from "../payments/payments";
import { settlePayments } from "../payments/settlement";

const config = { name: "paid digits", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: { epochs: 1, batchSize: 64, learningRate: 0.001 } };
const SOL = 1_000_000_000n;

describe("paying for a job on the embedded chain", () => {
  let t: TestContext;
  let payments: Payments;
  let user: KeyPairSigner;
  const jobs = () => createClient(JobService, inProcessTransport(t.ctx));
  const paymentsClient = () => createClient(PaymentService, inProcessTransport(t.ctx));
  const balance = (address: string) => payments.chain.balance(address as never);

  beforeAll(async () => {
    t = await createTestContext("pglite", withPayments());
    payments = t.ctx.payments as Payments;
    user = await generateKeyPairSigner();
    await payments.embedded?.svm.airdrop(user.address, 5n * SOL);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A priced job submitted by the user, and its token. */
  const submitPriced = async (max = SOL) => {
    const { job, jobToken } = await jobs().submitJob({ config, maxPriceLamports: max, payerAddress: user.address });
    return { job: job as NonNullable<typeof job>, jobToken };
  };
  /** The user's wallet pays `amount` into the job's escrow with the memo naming it. */
  const pay = async (jobId: string, escrow: string, amount: bigint) => {
    const tx = await payments.chain.sign(user, depositInstructions(user, escrow as never, amount, jobId));
    expect((await payments.chain.sendAndConfirm(tx)).status).toBe("confirmed");
    return tx.signature;
  };

  it("estimates a job's price with its formula, the same price SubmitJob sets", async () => {
    const estimate = await paymentsClient().estimatePrice({ config });
    expect(estimate.lamports).toBeGreaterThan(0n);
    expect(estimate.formula).toContain("lamports/TFLOP");
    const { job } = await submitPriced();
    expect(job.payment?.priceLamports).toBe(estimate.lamports);
  });

  it("keeps a priced job out of the queue, awaiting its deposit into the escrow address anyone can derive", async () => {
    const { job } = await submitPriced();
    expect(job.status).toBe(JobStatus.AWAITING_PAYMENT);
    const info = await paymentsClient().getPaymentInfo({});
    expect(job.payment?.escrowAddress).toBe(await escrowAddress(info.platformAddress as never, job.id));
    expect(job.payment).toMatchObject({ payerAddress: user.address, depositSignature: "", state: PaymentState.AWAITING_DEPOSIT });
  });

  it("queues a free job at once, and every job when the submitter offers nothing", async () => {
    const { job } = await jobs().submitJob({ config });
    expect(job?.status).toBe(JobStatus.QUEUED);
    expect(job?.payment).toBeUndefined();
  });

  it("refuses a price above the submitter's maximum, or a priced job without a payer, naming the field and storing nothing", async () => {
    const before = await t.ctx.db.prisma.job.count();
    const tooDear = await jobs()
      .submitJob({ config, maxPriceLamports: 1n, payerAddress: user.address })
      .catch((e: unknown) => e as Error);
    expect(tooDear).toMatchObject({ code: Code.InvalidArgument, message: expect.stringContaining("more than your maximum of 1") as string });
    expect(await codeOf(jobs().submitJob({ config, maxPriceLamports: SOL }))).toBe(Code.InvalidArgument);
    expect(await codeOf(jobs().submitJob({ config, maxPriceLamports: SOL, payerAddress: "not-a-wallet" }))).toBe(Code.InvalidArgument);
    expect(await t.ctx.db.prisma.job.count()).toBe(before);
  });

  it("queues the job once its deposit is on the chain, and a retry of the confirmation answers the same", async () => {
    const { job, jobToken } = await submitPriced();
    const price = job.payment?.priceLamports as bigint;
    const signature = await pay(job.id, job.payment?.escrowAddress as string, price);
    const confirmed = await paymentsClient().confirmDeposit({ jobId: job.id, signature }, withJobToken(jobToken));
    expect(confirmed.job).toMatchObject({ status: JobStatus.QUEUED, payment: { depositSignature: signature, state: PaymentState.IN_ESCROW } });
    expect((await paymentsClient().confirmDeposit({ jobId: job.id, signature }, withJobToken(jobToken))).job?.status).toBe(JobStatus.QUEUED);
    expect(await balance(job.payment?.escrowAddress as string)).toBe(price);
  });

  it("refuses a deposit too small, or another job's, with INVALID_ARGUMENT, and the job keeps waiting", async () => {
    const [{ job, jobToken }, other] = [await submitPriced(), await submitPriced()];
    // Dearer than the least a job costs, so that a short deposit still leaves its escrow an account the chain keeps.
    const price = 3n * (job.payment?.priceLamports as bigint);
    await t.ctx.db.prisma.job.update({ where: { id: job.id }, data: { priceLamports: price } });
    const short = await pay(job.id, job.payment?.escrowAddress as string, price - 1n);
    expect(await codeOf(paymentsClient().confirmDeposit({ jobId: job.id, signature: short }, withJobToken(jobToken)))).toBe(Code.InvalidArgument);
    const others = await pay(other.job.id, other.job.payment?.escrowAddress as string, price);
    expect(await codeOf(paymentsClient().confirmDeposit({ jobId: job.id, signature: others }, withJobToken(jobToken)))).toBe(Code.InvalidArgument);
    expect((await t.ctx.jobs.get(job.id))?.status).toBe("AWAITING_PAYMENT");
  });

  it("answers a private job's confirmation without its token with NOT_FOUND", async () => {
    const { job } = await submitPriced();
    expect(await codeOf(paymentsClient().confirmDeposit({ jobId: job.id, signature: "1".repeat(64) }))).toBe(Code.NotFound);
  });

  it("pays the node that completed the job its price less the fee, the fee to the treasury, once", async () => {
    const { job, jobToken } = await submitPriced();
    const price = job.payment?.priceLamports as bigint;
    const escrow = job.payment?.escrowAddress as string;
    await paymentsClient().confirmDeposit({ jobId: job.id, signature: await pay(job.id, escrow, price) }, withJobToken(jobToken));
    const wallet = await generateKeyPairSigner();
    const node = await registerNode(t.ctx, { walletAddress: wallet.address });
    await t.ctx.db.prisma.job.update({ where: { id: job.id }, data: { status: "COMPLETED", assignedNodeId: node.id, attempts: 1, completedAt: new Date() } });
    const treasuryBefore = await balance(payments.platform.treasury);
    await settlePayments({ ...t.ctx, payments });
    await settlePayments({ ...t.ctx, payments });
    const { node: share, treasury: fee } = splitFee(price, t.ctx.config.payments.feeBps);
    expect(await balance(wallet.address)).toBe(share);
    expect(await balance(escrow)).toBe(0n);
    // The treasury is the platform key by default, which also pays the release's transaction fee.
    expect((await balance(payments.platform.treasury)) - treasuryBefore).toBe(fee - (payments.platform.treasury === payments.platform.address ? 5000n : 0n));
    const releases = (await payments.ledger.transfers(job.id)).filter((r) => r.kind === "release");
    expect(releases).toHaveLength(1);
    expect((await jobs().getJob({ jobId: job.id }, withJobToken(jobToken))).job?.payment).toMatchObject({
      state: PaymentState.RELEASED,
      releaseSignature: releases[0]?.signature,
      refundSignature: "",
    });
    const metrics = await t.ctx.metrics.render();
    expect(metrics).toMatch(new RegExp(`cyxwiz_payment_lamports_total\\{kind="release"\\} ${share}\\b`));
    expect(metrics).toMatch(new RegExp(`cyxwiz_payment_lamports_total\\{kind="fee"\\} ${fee}\\b`));
  });

  it("refunds a cancelled paid job's deposit to its payer, to the lamport", async () => {
    const { job, jobToken } = await submitPriced();
    const price = job.payment?.priceLamports as bigint;
    const escrow = job.payment?.escrowAddress as string;
    await paymentsClient().confirmDeposit({ jobId: job.id, signature: await pay(job.id, escrow, price) }, withJobToken(jobToken));
    await jobs().cancelJob({ jobId: job.id }, withJobToken(jobToken));
    const before = await balance(user.address);
    await settlePayments({ ...t.ctx, payments });
    expect((await balance(user.address)) - before).toBe(price);
    expect(await balance(escrow)).toBe(0n);
    expect((await jobs().getJob({ jobId: job.id }, withJobToken(jobToken))).job?.payment?.state).toBe(PaymentState.REFUNDED);
  });

  it("expires a job not paid by its deadline, charging nothing", async () => {
    const { job, jobToken } = await submitPriced();
    await t.ctx.db.prisma.job.update({ where: { id: job.id }, data: { paymentDeadline: new Date(Date.now() - 1000) } });
    await settlePayments({ ...t.ctx, payments });
    expect(await t.ctx.jobs.get(job.id)).toMatchObject({ status: "EXPIRED", paymentSettledAt: expect.any(Date) as Date });
    expect((await jobs().getJob({ jobId: job.id }, withJobToken(jobToken))).job?.payment?.state).toBe(PaymentState.NEVER_PAID);
  });
});
