"use client";

import { JobStatus, PaymentState, type JobPayment } from "../../gen/cyxwiz/v1/job_pb";
import { lamportsToSol } from "../../lib/payments/sol";

const STATE_LABELS: Record<PaymentState, string> = {
  [PaymentState.UNSPECIFIED]: "",
  [PaymentState.AWAITING_DEPOSIT]: "awaiting the deposit",
  [PaymentState.IN_ESCROW]: "in escrow",
  [PaymentState.RELEASED]: "paid to the node",
  [PaymentState.REFUNDED]: "refunded",
  [PaymentState.NEVER_PAID]: "never paid: nothing was charged",
};

/**
 * A priced job's money, as its owner needs to see it: what it costs, where the deposit goes (the
 * escrow address anyone can derive from the platform's key and the job id), from which wallet, by
 * when, the deposit once counted, and where the money went: to the node that did the work, or back.
 */
export function PaymentPanel({ payment, status }: { payment: JobPayment; status: JobStatus }) {
  const awaiting = status === JobStatus.AWAITING_PAYMENT;
  return (
    <section className="card stack" aria-label="Payment" data-testid="payment">
      <div className="row spread">
        <strong>
          Payment{" "}
          <span className="muted" data-testid="payment-state">
            · {STATE_LABELS[payment.state]}
          </span>
        </strong>
        <span className="mono" data-testid="price">
          {lamportsToSol(payment.priceLamports)} SOL <span className="muted">({payment.priceLamports.toLocaleString("en-US")} lamports)</span>
        </span>
      </div>
      <dl className="facts">
        <dt>Escrow</dt>
        <dd className="mono" data-testid="escrow-address">
          {payment.escrowAddress}
        </dd>
        <dt>Paid by</dt>
        <dd className="mono">{payment.payerAddress}</dd>
        <dt>Deposit</dt>
        <dd className="mono">
          {payment.depositSignature ||
            (awaiting ? `waiting, until ${new Date(Number(payment.deadlineMs)).toLocaleString()}` : status === JobStatus.EXPIRED ? "never made: nothing was charged" : "none")}
        </dd>
        {payment.releaseSignature && (
          <>
            <dt>Paid to the node</dt>
            <dd className="mono">{payment.releaseSignature}</dd>
          </>
        )}
        {payment.refundSignature && (
          <>
            <dt>Refunded</dt>
            <dd className="mono">{payment.refundSignature}</dd>
          </>
        )}
      </dl>
      {awaiting && (
        <p className="muted small" style={{ margin: 0 }}>
          The job enters the queue once the deposit is on the chain. Pay it from the command line: <code>npx cyxwiz submit … --max-price SOL --wallet KEYFILE</code>.
        </p>
      )}
    </section>
  );
}
