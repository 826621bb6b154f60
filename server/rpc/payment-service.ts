import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ConfirmDepositResponseSchema, EstimatePriceResponseSchema, GetPaymentInfoResponseSchema, type PaymentService } from "../../gen/cyxwiz/v1/payment_service_pb";
import { accessOf } from "../auth/credentials";
import { liveJob } from "../cache/job-progress";
import type { ServerContext } from "../context";
import { publishJobEvent } from "../events/job-events";
import { jobMessage } from "../jobs/job-message";
import { recordDeposit } from "../jobs/sql/record-deposit";
import { PaymentError, type PaymentErrorCode } from "../payments/errors";
import { estimateFor, pricingTerms } from "../payments/job-pricing";
import { failedPrecondition, invalidArgument, requireUuid } from "./errors";
import { jobNotFound } from "./job-refusal";
import { submissionOf } from "./job-service";

/** Deposit refusals the payer can mend (a wrong transfer); the rest mean "not yet" or "not this job". */
const DEPOSIT_FIELD_ERRORS = new Set<PaymentErrorCode>(["no_memo", "other_job", "wrong_address", "wrong_amount", "wrong_payer", "replayed", "failed_on_chain"]);

export function paymentService(ctx: ServerContext): ServiceImpl<typeof PaymentService> {
  const enabledPayments = () => {
    if (!ctx.payments) throw failedPrecondition("this server takes no payments (CYXWIZ_PAYMENTS=off): every job is free");
    return ctx.payments;
  };

  return {
    async getPaymentInfo() {
      const settings = ctx.config.payments;
      const payments = ctx.payments;
      return create(GetPaymentInfoResponseSchema, {
        enabled: Boolean(payments),
        rpcUrl: payments?.rpcUrl ?? "",
        embedded: Boolean(payments?.embedded),
        platformAddress: payments?.platform.address ?? "",
        treasuryAddress: payments?.platform.treasury ?? "",
        feeBps: settings.feeBps,
        lamportsPerTflop: BigInt(settings.lamportsPerTflop),
        paymentWindowSeconds: settings.paymentWindowSeconds,
      });
    },

    async estimatePrice(req) {
      const { size } = await submissionOf(ctx, req.config);
      const terms = await pricingTerms(ctx.payments, ctx.config.payments.lamportsPerTflop, ctx.config.payments.feeBps);
      if (!terms.enabled) return create(EstimatePriceResponseSchema, { lamports: 0n, formula: "free: this server takes no payments" });
      const estimate = estimateFor(size, terms);
      return create(EstimatePriceResponseSchema, { lamports: estimate.lamports, trainingFlops: estimate.trainingFlops, formula: estimate.formula });
    },

    async confirmDeposit(req, hctx) {
      const payments = enabledPayments();
      const jobId = requireUuid(req.jobId, "job_id");
      if (!req.signature) throw invalidArgument("signature", "required: the deposit transaction's signature (base58)");
      const job = await ctx.jobs.find(jobId, await accessOf(hctx, "job"));
      if (!job) throw jobNotFound(jobId);
      if (job.priceLamports === 0n) throw failedPrecondition(`job ${jobId} is free: there is nothing to pay`);
      if (job.status !== "AWAITING_PAYMENT") {
        // Presenting the deposit that paid it again answers the job as it is: a retry after a lost answer.
        if (job.escrowTx === req.signature) return create(ConfirmDepositResponseSchema, { job: jobMessage(await liveJob(ctx.hotState, job)) });
        throw failedPrecondition(`job ${jobId} is ${job.status}: it no longer waits for a deposit`);
      }
      try {
        await payments.escrow.confirmDeposit(jobId, req.signature, job.priceLamports, job.payerAddress ?? undefined);
      } catch (error) {
        if (!(error instanceof PaymentError)) throw error;
        throw DEPOSIT_FIELD_ERRORS.has(error.code) ? invalidArgument("signature", `signature: ${error.message}`) : failedPrecondition(error.message);
      }
      const queued = await recordDeposit(ctx.db.prisma, jobId, req.signature);
      const current = await ctx.jobs.get(jobId);
      if (!current) throw jobNotFound(jobId);
      if (queued) {
        const log = await ctx.jobs.log(jobId, "info", `paid: ${job.priceLamports} lamports into ${job.escrowAddress} (transaction ${req.signature}); queued`);
        await publishJobEvent(ctx.bus, queued, { statusChanged: true, logs: [log] });
        ctx.log.info({ jobId, lamports: String(job.priceLamports) }, "deposit confirmed");
        ctx.metrics.lamports.inc({ kind: "deposit" }, Number(job.priceLamports));
      }
      return create(ConfirmDepositResponseSchema, { job: jobMessage(await liveJob(ctx.hotState, current)) });
    },
  };
}
