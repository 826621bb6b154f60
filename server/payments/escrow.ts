import { memoInstruction } from "../../lib/payments/deposit";
import { address, isAddress, lamports as toLamports, type Address, type Instruction, type Signature } from "@solana/kit";
import { MEMO_PROGRAM_ADDRESS } from "@solana-program/memo";
import { getTransferSolWithSeedInstruction } from "@solana-program/system";
import { escrowAddress, escrowSeed, MEMO_PROGRAM, SYSTEM_PROGRAM } from "../../lib/payments/escrow-address";
import { parsePaymentMemo, paymentMemo } from "../../lib/payments/memo";
import { splitFee } from "../../lib/payments/pricing";
import type { ChainClient, Outcome } from "../../lib/payments/chain-client";
import type { PlatformKey } from "../chain/platform-key";
import { PaymentError } from "./errors";
import type { PaymentLedger } from "./ledger";
import { recordOutcome, settle } from "./reconcile";
import type { Intent } from "./sql/record-intent";

/** Which release or refund: a release is one per job and attempt, a refund one per job. */
type TransferKey = Pick<Intent, "jobId" | "kind" | "attempt">;
import type { Transfer } from "./transfer-row";

/** The memo programs a deposit's memo may come through: the legacy v3 (what we send) and v1, and the current one wallets may use. */
const MEMO_PROGRAMS = new Set<string>([MEMO_PROGRAM, "Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo", MEMO_PROGRAM_ADDRESS]);

/**
 * Points between the steps of a release or refund. Tests throw from them to crash the operation
 * there; nothing else sets them.
 */
export interface EscrowHooks {
  afterIntent?(transfer: Transfer): void | Promise<void>;
  afterSign?(transfer: Transfer): void | Promise<void>;
  afterSend?(transfer: Transfer): void | Promise<void>;
}

export interface EscrowOptions {
  ledger: PaymentLedger;
  chain: ChainClient;
  platform: PlatformKey;
  feeBps: number;
  hooks?: EscrowHooks;
  /** An open intent younger than this is taken for an operation under way (see reconcile.ts). */
  inFlightMs?: number;
}

/** A release or refund: the row as it now stands, and (when sent) what the chain said. */
export interface Movement {
  transfer: Transfer;
  /** False when the same release or refund had already been made: nothing was sent this time. */
  moved: boolean;
  outcome?: Outcome;
}

/**
 * The custodial escrow: each job's deposit sits in an account derived from the platform key and the
 * job id (lib/payments/escrow-address.ts), owned by the System program, which only a
 * TransferSolWithSeed signed by the platform key can move. The platform key also pays the fees, so
 * the amounts out of the escrow are exact. Every release and refund is written to the ledger before
 * it is signed and settled against the chain after (ledger.ts, reconcile.ts).
 */
export class Escrow {
  constructor(private readonly options: EscrowOptions) {}

  address(jobId: string): Promise<Address> {
    return escrowAddress(this.options.platform.address, jobId);
  }

  /** The ledger keeps ids as PostgreSQL prints UUIDs: lowercase. */
  private static jobId(jobId: string): string {
    try {
      escrowSeed(jobId);
    } catch (error) {
      throw new PaymentError("invalid", (error as Error).message);
    }
    return jobId.toLowerCase();
  }

  /**
   * Pays an attempt's work: `lamports` out of the escrow, the platform fee to the treasury and the rest
   * to the node, in one transaction with a memo naming the job and attempt. At most once per job and
   * attempt: called again, it returns the release already made (or settles the one a crash left open
   * first).
   */
  async release(id: string, attempt: number, nodeWallet: string, lamports: bigint): Promise<Movement> {
    const jobId = Escrow.jobId(id);
    if (!Number.isInteger(attempt) || attempt < 1) throw new PaymentError("invalid", `an attempt is numbered from 1, got ${attempt}`);
    const node = walletAddress(nodeWallet, "node wallet");
    const { node: share, treasury: fee } = splitFee(positive(lamports), this.options.feeBps);
    const escrow = await this.address(jobId);
    const treasury = this.options.platform.treasury;
    return this.move({ jobId, kind: "release", attempt }, async () => {
      await this.checkOutflow(escrow, lamports);
      await this.checkRecipient(node, share, "the node's wallet");
      await this.checkRecipient(treasury, fee, "the treasury");
      return {
        intent: { jobId, kind: "release", attempt, fromAddress: escrow, toAddress: node, lamports, feeLamports: fee, treasuryAddress: treasury },
        instructions: [...this.transferOut(jobId, escrow, node, share), ...this.transferOut(jobId, escrow, treasury, fee), memoInstruction(paymentMemo({ kind: "release", jobId, attempt }))],
      };
    });
  }

  /**
   * Returns what is left in the escrow (or `lamports` of it) to the user, with a memo naming the job.
   * At most once per job, like a release.
   */
  async refund(id: string, userWallet: string, lamports?: bigint): Promise<Movement> {
    const jobId = Escrow.jobId(id);
    const user = walletAddress(userWallet, "user wallet");
    const escrow = await this.address(jobId);
    return this.move({ jobId, kind: "refund" }, async () => {
      const amount = lamports === undefined ? await this.options.chain.balance(escrow) : positive(lamports);
      if (amount === 0n) throw new PaymentError("insufficient_escrow", `the escrow of job ${jobId} (${escrow}) is empty: there is nothing to refund`);
      await this.checkOutflow(escrow, amount);
      await this.checkRecipient(user, amount, "the user's wallet");
      return {
        intent: { jobId, kind: "refund", fromAddress: escrow, toAddress: user, lamports: amount, feeLamports: 0n },
        instructions: [...this.transferOut(jobId, escrow, user, amount), memoInstruction(paymentMemo({ kind: "refund", jobId }))],
      };
    });
  }

  /**
   * Counts a user's deposit for a job after checking it on the chain: finalized and successful, a memo
   * naming this job, at least `expectedLamports` into this job's escrow address, signed by `payer`
   * when given, and not counted before for any job. Giving the same deposit for the same job again
   * returns its row.
   */
  async confirmDeposit(id: string, signature: string, expectedLamports: bigint, payer?: string): Promise<Transfer> {
    const jobId = Escrow.jobId(id);
    const { chain, ledger } = this.options;
    const escrow = await this.address(jobId);
    const counted = (await ledger.transferBySignature(signature)) ?? undefined;
    if (counted && (counted.kind !== "deposit" || counted.jobId !== jobId)) throw replayed(signature, counted);
    if (counted) return counted;
    const {
      value: [status],
    } = await chain.rpc.getSignatureStatuses([signature as Signature], { searchTransactionHistory: true }).send();
    if (status?.confirmationStatus !== "finalized") {
      throw new PaymentError(
        "not_finalized",
        status ? `deposit ${signature} is ${status.confirmationStatus ?? "processed"}, not finalized yet: try again shortly` : `the chain has no transaction ${signature} (yet)`,
      );
    }
    const tx = await chain.transaction(signature);
    if (!tx) throw new PaymentError("not_finalized", `the chain has no finalized transaction ${signature} (yet)`);
    if (tx.err) throw new PaymentError("failed_on_chain", `deposit ${signature} failed on the chain and moved nothing`);
    const memos = tx.instructions.filter((ix) => MEMO_PROGRAMS.has(ix.program)).map((ix) => parsePaymentMemo(new TextDecoder().decode(ix.data)));
    if (!memos.some((m) => m?.kind === "deposit" && m.jobId === jobId)) {
      const other = memos.find((m) => m !== null);
      if (other) throw new PaymentError("other_job", `deposit ${signature} names job ${other.jobId} in its memo, not job ${jobId}`);
      throw new PaymentError("no_memo", `deposit ${signature} has no memo "${paymentMemo({ kind: "deposit", jobId })}": without it, it cannot be told apart from any other transfer`);
    }
    const index = tx.accountKeys.indexOf(escrow);
    const received = index < 0 ? 0n : (tx.postBalances[index] ?? 0n) - (tx.preBalances[index] ?? 0n);
    if (received <= 0n) throw new PaymentError("wrong_address", `deposit ${signature} pays nothing into job ${jobId}'s escrow ${escrow}`);
    if (received < expectedLamports) throw new PaymentError("wrong_amount", `deposit ${signature} paid ${received} lamports into the escrow; job ${jobId} costs ${expectedLamports}`);
    const from = payer === undefined ? tx.signers[0] : walletAddress(payer, "payer");
    if (!from || !tx.signers.includes(from)) throw new PaymentError("wrong_payer", `deposit ${signature} was not signed by ${payer}`);
    const { created, transfer } = await ledger.recordDeposit({ jobId, fromAddress: from, toAddress: escrow, lamports: received, signature });
    if (!created && transfer.jobId !== jobId) throw replayed(signature, transfer);
    return transfer;
  }

  /**
   * The ledger's protocol for lamports leaving an escrow: intent, then sign, record the signature,
   * send, and settle with what the chain says. A crash anywhere leaves a row that `settle` can resolve
   * without risk of paying twice: nothing is sent before its signature is recorded.
   */
  private async move(key: TransferKey, prepare: () => Promise<{ intent: Intent; instructions: Instruction[] }>): Promise<Movement> {
    const { ledger, chain, platform, hooks = {} } = this.options;
    // First what is already there: a retry after a crash must find the payment made, not check the
    // escrow's balance again (which that payment emptied).
    const before = await ledger.blocker(key);
    const done = before && (await this.clear(key, before));
    if (done) return done;
    const { intent, instructions: ixs } = await prepare();
    let recorded = await ledger.recordIntent(intent);
    if (!recorded.created) {
      const raced = await this.clear(intent, recorded.blocker);
      if (raced) return raced;
      recorded = await ledger.recordIntent(intent);
      if (!recorded.created) throw new PaymentError("in_flight", `job ${intent.jobId}'s ${describe(recorded.blocker)} is ${recorded.blocker.state}`);
    }
    let transfer = recorded.transfer;
    await hooks.afterIntent?.(transfer);
    let signed;
    try {
      signed = await chain.sign(platform.signer, ixs);
    } catch (error) {
      // Nothing exists to be sent: the intent can be let go now rather than at the next reconciliation.
      await ledger.markExpired(transfer.id, `never signed: ${(error as Error).message}`);
      throw error;
    }
    const signedRow = await ledger.recordSigned(transfer.id, signed.signature, signed.lastValidBlockHeight);
    if (!signedRow) throw new PaymentError("in_flight", `${describe(transfer)} was settled by someone else before it was sent; nothing was sent`);
    transfer = signedRow;
    await hooks.afterSign?.(transfer);
    let sent: Awaited<ReturnType<ChainClient["send"]>>;
    try {
      sent = await chain.send(signed);
    } catch (error) {
      // Whether it went out is unknown: the row stays "sent", and reconciliation settles it.
      return { transfer, moved: false, outcome: { status: "pending", signature: signed.signature, reason: `sending failed: ${(error as Error).message}` } };
    }
    if ("sent" in sent) await hooks.afterSend?.(transfer);
    const outcome = "sent" in sent ? await chain.confirm(signed.signature, signed.lastValidBlockHeight) : sent;
    const settled = await recordOutcome(ledger, transfer.id, outcome, "not on the chain when its blockhash expired");
    return { transfer: settled ?? transfer, moved: outcome.status === "confirmed", outcome };
  }

  /**
   * Settles a transfer standing in the way of `intent`: the same one already confirmed is the answer
   * (nothing is sent again); any other now settled makes room (null); one still open is an error.
   */
  private async clear(intent: TransferKey, blocker: Transfer): Promise<Movement | null> {
    const settled = await settle(this.options.ledger, this.options.chain, blocker, { minIntentAgeMs: this.options.inFlightMs ?? 60_000 });
    const same = settled.kind === intent.kind && settled.attempt === (intent.attempt ?? null);
    if (same && settled.state === "confirmed") return { transfer: settled, moved: false };
    // Settled one way or another, and not this transfer made: the intent may now be written.
    if (settled.state === "failed" || settled.state === "expired" || settled.state === "confirmed") return null;
    throw new PaymentError("in_flight", `job ${intent.jobId}'s ${describe(settled)} is ${settled.state}: it must settle first (reconciliation does, once the chain can tell)`);
  }

  /** An escrow must end empty or rent-exempt: a transfer leaving 0 < balance < the minimum is refused by the chain. */
  private async checkOutflow(escrow: Address, amount: bigint): Promise<void> {
    const { chain } = this.options;
    const [balance, minimum] = await Promise.all([chain.balance(escrow), chain.minimumBalanceForRentExemption(0)]);
    if (balance < amount) throw new PaymentError("insufficient_escrow", `the escrow ${escrow} holds ${balance} lamports, less than the ${amount} to move`);
    const left = balance - amount;
    if (left > 0n && left < minimum) {
      throw new PaymentError(
        "would_strand_rent",
        `moving ${amount} of the escrow's ${balance} lamports would leave ${left}, below the rent-exempt ${minimum}: move all ${balance} or leave at least ${minimum}`,
      );
    }
  }

  private async checkRecipient(to: Address, amount: bigint, what: string): Promise<void> {
    if (amount === 0n) return;
    const { chain } = this.options;
    const [balance, minimum] = await Promise.all([chain.balance(to), chain.minimumBalanceForRentExemption(0)]);
    if (balance + amount < minimum) {
      throw new PaymentError("recipient_below_rent", `${what} ${to} would hold ${balance + amount} lamports, below the rent-exempt ${minimum}: it must be funded first`);
    }
  }

  private transferOut(jobId: string, escrow: Address, to: Address, amount: bigint): Instruction[] {
    if (amount === 0n) return [];
    return [
      getTransferSolWithSeedInstruction({
        source: escrow,
        baseAccount: this.options.platform.signer,
        destination: to,
        amount: toLamports(amount),
        fromSeed: escrowSeed(jobId),
        fromOwner: SYSTEM_PROGRAM,
      }),
    ];
  }
}

function walletAddress(value: string, what: string): Address {
  if (!isAddress(value)) throw new PaymentError("invalid", `the ${what} "${value}" is not a Solana address`);
  return address(value);
}

function positive(lamports: bigint): bigint {
  if (lamports <= 0n) throw new PaymentError("invalid", `an amount to move is 1 lamport or more, got ${lamports}`);
  return lamports;
}

function describe(transfer: Transfer): string {
  return transfer.kind === "release" ? `release for attempt ${transfer.attempt} (transfer ${transfer.id})` : `${transfer.kind} (transfer ${transfer.id})`;
}

function replayed(signature: string, counted: Transfer): PaymentError {
  return new PaymentError("replayed", `transaction ${signature} was already counted (${counted.kind} of job ${counted.jobId}): a deposit counts once`);
}
