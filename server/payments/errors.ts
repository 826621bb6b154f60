/** Why a payment operation refused, in words a user or an operator can act on. Nothing was changed. */
export type PaymentErrorCode =
  | "not_finalized"
  | "failed_on_chain"
  | "no_memo"
  | "other_job"
  | "wrong_address"
  | "wrong_amount"
  | "wrong_payer"
  | "replayed"
  | "insufficient_escrow"
  | "would_strand_rent"
  | "recipient_below_rent"
  | "in_flight"
  | "invalid";

export class PaymentError extends Error {
  constructor(
    readonly code: PaymentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "PaymentError";
  }
}
