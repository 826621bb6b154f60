import {
  appendTransactionMessageInstructions,
  createSolanaRpc,
  createTransactionMessage,
  getBase64EncodedWireTransaction,
  getCompiledTransactionMessageDecoder,
  getSignatureFromTransaction,
  getTransactionDecoder,
  isSolanaError,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  signature as toSignature,
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
  type Address,
  type Base64EncodedWireTransaction,
  type Instruction,
  type Rpc,
  type Signature,
  type SolanaRpcApi,
  type TransactionSigner,
} from "@solana/kit";

/** A transaction signed and not yet sent: what the ledger records before it goes on the wire. */
export interface SignedTransaction {
  signature: Signature;
  wire: Base64EncodedWireTransaction;
  /** After this block height the transaction can never be executed. */
  lastValidBlockHeight: bigint;
}

/**
 * What became of a transaction. "failed": it cannot have moved anything (refused before it was
 * forwarded, or executed and failed). "expired": its blockhash expired with no trace of it on the
 * chain, so it never will be executed. "pending": the chain could not tell yet (unreachable, or not
 * final): ask again later.
 */
export type Outcome =
  | { status: "confirmed"; signature: Signature; slot: bigint }
  | { status: "failed"; signature: Signature; error: string; logs?: readonly string[] }
  | { status: "expired"; signature: Signature }
  | { status: "pending"; signature: Signature; reason: string };

/** The parts of an executed transaction that payments check: who signed, whose balances changed by how much, its memos. */
export interface ChainTransaction {
  slot: bigint;
  err: unknown;
  accountKeys: Address[];
  signers: Address[];
  preBalances: bigint[];
  postBalances: bigint[];
  /** Each instruction's program and data, in order (inner instructions not included). */
  instructions: { program: Address; data: Uint8Array; accounts: Address[] }[];
}

export interface ChainClientOptions {
  /** Between two status polls (a cluster finalizes in about 13 s; the embedded chain at once). */
  pollMs?: number;
  /** How long `confirm` waits before answering "pending". */
  maxWaitMs?: number;
}

/**
 * The one way our programs (the server, the CLI) talk to a cluster: the embedded chain's facade or any other through
 * SOLANA_RPC_URL, with the same calls. Confirmation polls signature statuses (no WebSocket needed)
 * and bounds the wait by the blockhash's last valid block height, read at "finalized": past it, a
 * signature still unknown can never land.
 */
export class ChainClient {
  readonly rpc: Rpc<SolanaRpcApi>;
  private readonly pollMs: number;
  private readonly maxWaitMs: number;

  constructor(
    readonly url: string,
    options: ChainClientOptions = {},
  ) {
    this.rpc = createSolanaRpc(url);
    this.pollMs = options.pollMs ?? 500;
    this.maxWaitMs = options.maxWaitMs ?? 120_000;
  }

  /** Signs instructions into a transaction paid by `feePayer`, on the latest finalized blockhash. Sends nothing. */
  async sign(feePayer: TransactionSigner, instructions: Instruction[]): Promise<SignedTransaction> {
    const { value: latest } = await this.rpc.getLatestBlockhash({ commitment: "finalized" }).send();
    const message = pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(feePayer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash(latest, m),
      (m) => appendTransactionMessageInstructions(instructions, m),
    );
    const signed = await signTransactionMessageWithSigners(message);
    return { signature: getSignatureFromTransaction(signed), wire: getBase64EncodedWireTransaction(signed), lastValidBlockHeight: latest.lastValidBlockHeight };
  }

  /**
   * Puts a signed transaction on the wire. A preflight refusal is final ("failed": the node forwarded
   * nothing). Any other error leaves it unknown whether the transaction went out: that is thrown, and
   * only `confirm` or `outcome` can tell.
   */
  async send(transaction: SignedTransaction): Promise<{ sent: true } | Extract<Outcome, { status: "failed" }>> {
    try {
      await this.rpc.sendTransaction(transaction.wire, { encoding: "base64", preflightCommitment: "finalized" }).send();
      return { sent: true };
    } catch (error) {
      if (isSolanaError(error, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE)) {
        const cause = (error as { cause?: Error }).cause;
        return { status: "failed", signature: transaction.signature, error: cause ? `${error.message}: ${cause.message}` : error.message, logs: error.context.logs ?? undefined };
      }
      throw error;
    }
  }

  /** Sends, then waits for the outcome. */
  async sendAndConfirm(transaction: SignedTransaction): Promise<Outcome> {
    const sent = await this.send(transaction);
    return "sent" in sent ? this.confirm(transaction.signature, transaction.lastValidBlockHeight) : sent;
  }

  /** Polls until the transaction is finalized, failed or expired, or answers "pending" after maxWaitMs. */
  async confirm(signature: Signature, lastValidBlockHeight: bigint): Promise<Outcome> {
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      let outcome: Outcome;
      try {
        outcome = await this.outcome(signature, lastValidBlockHeight);
      } catch (error) {
        outcome = { status: "pending", signature, reason: `the chain is unreachable: ${(error as Error).message}` };
      }
      if (outcome.status !== "pending" || Date.now() >= deadline) return outcome;
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  /**
   * One look at the chain. The block height is read before the status: if the finalized height had
   * already passed the last valid one when the status (searching all history) came back empty, no
   * later block can hold the transaction. Behind a load balancer the two reads may reach different
   * nodes: a status answered from a slot older than the height's proves nothing.
   */
  async outcome(signature: Signature, lastValidBlockHeight: bigint): Promise<Outcome> {
    const finalizedSlot = await this.rpc.getSlot({ commitment: "finalized" }).send();
    const height = await this.rpc.getBlockHeight({ commitment: "finalized", minContextSlot: finalizedSlot }).send();
    const {
      context,
      value: [status],
    } = await this.rpc.getSignatureStatuses([signature], { searchTransactionHistory: true }).send();
    if (status?.confirmationStatus === "finalized") {
      return status.err
        ? { status: "failed", signature, error: `the transaction failed on the chain: ${JSON.stringify(status.err, bigintJson)}` }
        : { status: "confirmed", signature, slot: status.slot };
    }
    if (status) return { status: "pending", signature, reason: `${status.confirmationStatus ?? "processed"}, not yet finalized` };
    if (height > lastValidBlockHeight && context.slot >= finalizedSlot) return { status: "expired", signature };
    return { status: "pending", signature, reason: `not seen yet; its blockhash is valid until block ${lastValidBlockHeight} (now ${height})` };
  }

  async balance(address: Address): Promise<bigint> {
    return (await this.rpc.getBalance(address, { commitment: "finalized" }).send()).value;
  }

  /** An account as the chain holds it at "finalized", or null when there is none. */
  async account(address: Address): Promise<{ lamports: bigint; owner: Address; data: Uint8Array; executable: boolean } | null> {
    const { value } = await this.rpc.getAccountInfo(address, { encoding: "base64", commitment: "finalized" }).send();
    return value && { lamports: value.lamports, owner: value.owner, data: Uint8Array.from(Buffer.from(value.data[0], "base64")), executable: value.executable };
  }

  async minimumBalanceForRentExemption(space: number): Promise<bigint> {
    return this.rpc.getMinimumBalanceForRentExemption(BigInt(space)).send();
  }

  /** A finalized transaction, or null when the chain has none under this signature. */
  async transaction(signature: string): Promise<ChainTransaction | null> {
    const found = await this.rpc.getTransaction(toSignature(signature), { encoding: "base64", maxSupportedTransactionVersion: 0, commitment: "finalized" }).send();
    if (!found?.meta) return null;
    const transaction = getTransactionDecoder().decode(Buffer.from(found.transaction[0], "base64"));
    const message = getCompiledTransactionMessageDecoder().decode(transaction.messageBytes);
    if (message.version === 1) return null;
    const accountKeys = [...message.staticAccounts, ...(found.meta.loadedAddresses?.writable ?? []), ...(found.meta.loadedAddresses?.readonly ?? [])];
    return {
      slot: found.slot,
      err: found.meta.err,
      accountKeys,
      signers: message.staticAccounts.slice(0, message.header.numSignerAccounts),
      preBalances: found.meta.preBalances.map(BigInt),
      postBalances: found.meta.postBalances.map(BigInt),
      instructions: message.instructions.map((ix) => ({
        program: accountKeys[ix.programAddressIndex] as Address,
        data: Uint8Array.from(ix.data ?? []),
        accounts: (ix.accountIndices ?? []).map((i) => accountKeys[i] as Address),
      })),
    };
  }
}

function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
