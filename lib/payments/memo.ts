/** What a payment transaction does for its job. */
export type PaymentKind = "deposit" | "release" | "refund";

export interface PaymentMemo {
  kind: PaymentKind;
  jobId: string;
  /** The attempt a release pays for. */
  attempt?: number;
}

const MEMO = /^cyxwiz:(deposit|release|refund):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?::([1-9][0-9]{0,8}))?$/;

/**
 * The memo every payment transaction carries, so that an explorer (and reconciliation) can tell which
 * job a transfer belongs to: `cyxwiz:deposit:<job id>`, `cyxwiz:release:<job id>:<attempt>`,
 * `cyxwiz:refund:<job id>`. The one place the format is written: the Engine's deposit, the server's
 * release and refund, and the deposit check all use it.
 */
export function paymentMemo(memo: PaymentMemo): string {
  const jobId = memo.jobId.toLowerCase();
  const text = memo.kind === "release" ? `cyxwiz:release:${jobId}:${memo.attempt}` : `cyxwiz:${memo.kind}:${jobId}`;
  const parsed = parsePaymentMemo(text);
  if (!parsed || parsed.attempt !== memo.attempt)
    throw new Error(`no payment memo for ${JSON.stringify(memo)}: a release names its attempt (1 or more), a deposit or refund none, and the job id is a UUID`);
  return text;
}

/** The payment a memo names, or null when it is not one of ours (a release without an attempt, a deposit with one, anything else). */
export function parsePaymentMemo(text: string): PaymentMemo | null {
  const match = MEMO.exec(text);
  if (!match) return null;
  const [, kind, jobId, attempt] = match as unknown as [string, PaymentKind, string, string | undefined];
  if ((kind === "release") !== (attempt !== undefined)) return null;
  return attempt === undefined ? { kind, jobId } : { kind, jobId, attempt: Number(attempt) };
}
