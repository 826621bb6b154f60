import { isAddress } from "@solana/kit";
import { BPS, estimatePrice, type PriceEstimate } from "../../lib/payments/pricing";
import type { TrainingSize } from "../jobs/submission";
import type { Payments } from "./payments";

/** What a server's payments need to price a job: off, or its network price and the least a paid job costs. */
export type PricingTerms = { enabled: false } | { enabled: true; lamportsPerTflop: number; minimumLamports: bigint };

/** What the submitter asked: the most they pay (0: a free job), and from which wallet. */
export interface PaymentRequest {
  maxPriceLamports: bigint;
  payerAddress: string;
}

export type PricedSubmission = { ok: true; free: true } | { ok: true; free: false; estimate: PriceEstimate; payerAddress: string } | { ok: false; field: string; message: string };

export function estimateFor(size: TrainingSize, terms: Extract<PricingTerms, { enabled: true }>): PriceEstimate {
  return estimatePrice({ ...size, lamportsPerTflop: terms.lamportsPerTflop, minimumLamports: Number(terms.minimumLamports) });
}

/**
 * Whether a submission is a free job or a priced one, and at what price. A job is free when the
 * submitter offers nothing (the default), when the server takes no payments, or when the network's
 * price is 0; a priced job needs a payer's wallet and a maximum at least its price. Pure: the same
 * numbers give the same lamport in the Engine's estimate and in SubmitJob.
 */
export function priceSubmission(request: PaymentRequest, size: TrainingSize, terms: PricingTerms): PricedSubmission {
  if (request.maxPriceLamports === 0n || !terms.enabled) return { ok: true, free: true };
  const estimate = estimateFor(size, terms);
  if (estimate.lamports === 0n) return { ok: true, free: true };
  if (estimate.lamports > request.maxPriceLamports) {
    return {
      ok: false,
      field: "max_price_lamports",
      message: `max_price_lamports: the job costs ${estimate.lamports} lamports (${estimate.formula}), more than your maximum of ${request.maxPriceLamports}: raise it, or train fewer epochs or a smaller model`,
    };
  }
  if (!request.payerAddress) return { ok: false, field: "payer_address", message: "payer_address: required for a priced job: the wallet that pays it and is refunded what is not released" };
  if (!isAddress(request.payerAddress)) return { ok: false, field: "payer_address", message: `payer_address: "${request.payerAddress}" is not a Solana address (base58, 32 bytes)` };
  return { ok: true, free: false, estimate, payerAddress: request.payerAddress };
}

/**
 * The least a paid job costs: enough that the node's share, the price less the fee, is itself the
 * rent-exempt minimum of an account without data — so a release can pay a fresh wallet (the chain
 * refuses to leave an account between 0 and that minimum), and the escrow holding the deposit exists.
 */
export function minimumPrice(rentExemptLamports: bigint, feeBps: number): bigint {
  const nodeShare = BPS - BigInt(feeBps);
  return nodeShare <= 0n ? rentExemptLamports : (rentExemptLamports * BPS + nodeShare - 1n) / nodeShare;
}

/** The least a paid job costs on a server's cluster (its rent exemption read once per server). */
const minimums = new WeakMap<Payments, Promise<bigint>>();

/** The terms a server prices jobs on: off without payments. */
export async function pricingTerms(payments: Payments | null, lamportsPerTflop: number, feeBps: number): Promise<PricingTerms> {
  if (!payments) return { enabled: false };
  let minimum = minimums.get(payments);
  if (!minimum) {
    minimum = payments.chain.minimumBalanceForRentExemption(0).then((rent) => minimumPrice(rent, feeBps));
    // A failed read is not kept: the next submission asks the chain again.
    minimum.catch(() => minimums.delete(payments));
    minimums.set(payments, minimum);
  }
  return { enabled: true, lamportsPerTflop, minimumLamports: await minimum };
}
