import { createHash, randomBytes } from "node:crypto";
import {
  address,
  appendTransactionMessageInstructions,
  createTransactionMessage,
  getBase58Decoder,
  getBase64EncodedWireTransaction,
  getCompiledTransactionMessageDecoder,
  getSignatureFromTransaction,
  getTransactionDecoder,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Blockhash,
  type CompiledTransactionMessage,
  type KeyPairSigner,
  type Transaction,
} from "@solana/kit";
import { getTransferSolInstruction } from "@solana-program/system";
import { FailedTransactionMetadata, LiteSVM } from "litesvm";
import type { ChainStore, JournalEntry, Snapshot, StoredAccount, StoredRecord } from "./chain-store";
import { describeTransactionError, transactionErrorJson, type TransactionErrorJson } from "./tx-error";

/** A JSON-RPC error as a cluster answers it (code -32002: the preflight simulation failed; the transaction was not sent). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export const PREFLIGHT_FAILURE = -32002;

/** As on a cluster: a blockhash is good for 150 blocks after its own. */
export const BLOCKHASH_VALIDITY = 150;

const FAUCET_SUPPLY = 1_000_000_000_000_000n;
const SYSTEM = "11111111111111111111111111111111";
const SYSVAR_OWNER = "Sysvar1111111111111111111111111111111111111";

/** Legacy and v0 messages: what LiteSVM 1.4.1 executes (kit 8 also knows v1, which clusters do not accept yet). */
export type ExecutableMessage = Exclude<CompiledTransactionMessage, { version: 1 }>;

export interface ExecutedTransaction extends Omit<StoredRecord, "preBalances" | "postBalances" | "fee" | "unitsConsumed"> {
  fee: bigint;
  unitsConsumed: bigint;
  preBalances: bigint[];
  postBalances: bigint[];
  message: ExecutableMessage;
}

export interface EmbeddedSvmOptions {
  /** Where the state is kept; none: in memory only. */
  store?: ChainStore;
  faucet: KeyPairSigner;
  /** A slot's length: with 150 blocks of validity, 400 ms gives a blockhash the minute it has on a cluster. */
  slotMs: number;
  /** Journal entries after which the snapshot is rewritten. */
  snapshotEvery?: number;
  now?: () => number;
}

/**
 * LiteSVM as a cluster sees it from outside: a clock of slots (one block per slot, so block height is
 * the slot), a blockhash per slot valid for 150 blocks, transactions executed at once and final, each
 * recorded for `getTransaction`, and state that survives a restart (see chain-store.ts). Each
 * executed transaction takes a slot of its own.
 *
 * LiteSVM's own blockhash check is off: it accepts only its single latest blockhash, so two clients
 * holding one would race. The expiry is checked here instead, against the blockhashes handed out.
 */
export class EmbeddedSvm {
  readonly svm: LiteSVM;
  readonly genesisHash: string;
  private readonly records = new Map<string, ExecutedTransaction>();
  /** Accounts our transactions named: what a snapshot keeps (LiteSVM 1.4.1 cannot enumerate its accounts). */
  private readonly tracked = new Set<string>();
  private readonly blockhashes = new Map<string, number>();
  private baseSlot: number;
  private readonly startedAt: number;
  private bumps = 0;
  private seq: number;
  private sinceSnapshot = 0;
  private readonly now: () => number;

  constructor(private readonly options: EmbeddedSvmOptions) {
    this.now = options.now ?? Date.now;
    this.svm = new LiteSVM().withBlockhashCheck(false).withNativeMints();
    const { snapshot, entries } = options.store?.load() ?? { entries: [] };
    this.genesisHash = snapshot?.genesisHash ?? getBase58Decoder().decode(randomBytes(32));
    this.seq = snapshot?.seq ?? 0;
    for (const account of snapshot?.accounts ?? []) this.restoreAccount(account);
    for (const record of snapshot?.records ?? []) this.restoreRecord(record);
    let slot = snapshot?.slot ?? 0;
    let at = snapshot?.at ?? this.now();
    for (const entry of entries) {
      for (const account of entry.accounts) this.restoreAccount(account);
      this.restoreRecord(entry.record);
      this.seq = entry.seq;
      ({ slot, at } = entry);
    }
    if (!snapshot && entries.length === 0) this.restoreAccount({ address: options.faucet.address, lamports: String(FAUCET_SUPPLY), owner: SYSTEM, data: "", executable: false });
    // The cluster kept producing blocks while this process was away: a blockhash handed out before
    // the stop expires on time rather than living on.
    this.startedAt = this.now();
    this.baseSlot = slot + 1 + Math.floor(Math.max(0, this.startedAt - at) / options.slotMs);
    for (let s = Math.max(0, this.baseSlot - BLOCKHASH_VALIDITY); s <= this.baseSlot; s++) this.blockhashes.set(this.blockhashOf(s), s);
    // A new chain is written down at once, so that its genesis hash (and with it every blockhash) is
    // the same after a crash; a restored one folds its journal into a fresh snapshot.
    if (!snapshot || entries.length > 0) this.snapshot();
  }

  slot(): number {
    return this.baseSlot + Math.floor((this.now() - this.startedAt) / this.options.slotMs) + this.bumps;
  }

  /** Moves the clock on (tests: to see a blockhash expire without waiting a minute). */
  advance(slots: number): void {
    this.bumps += slots;
  }

  latestBlockhash(): { blockhash: Blockhash; lastValidBlockHeight: number } {
    const slot = this.slot();
    const blockhash = this.blockhashOf(slot);
    this.blockhashes.set(blockhash, slot);
    this.pruneBlockhashes(slot);
    return { blockhash, lastValidBlockHeight: slot + BLOCKHASH_VALIDITY };
  }

  isBlockhashValid(blockhash: string): boolean {
    const issued = this.blockhashes.get(blockhash);
    return issued !== undefined && this.slot() <= issued + BLOCKHASH_VALIDITY;
  }

  transaction(signature: string): ExecutedTransaction | undefined {
    return this.records.get(signature);
  }

  balance(address: Address): bigint {
    return this.svm.getBalance(address) ?? 0n;
  }

  /**
   * Executes a wire transaction as a cluster's sendTransaction does: a preflight simulation first
   * (unless skipped) whose failure is an RPC error and changes nothing; a transaction that fails when
   * executed still pays its fee and is recorded with its error.
   */
  send(wire: Uint8Array, options: { skipPreflight?: boolean } = {}): string {
    let transaction: Transaction;
    let decoded: CompiledTransactionMessage;
    try {
      transaction = getTransactionDecoder().decode(wire);
      decoded = getCompiledTransactionMessageDecoder().decode(transaction.messageBytes);
    } catch (error) {
      throw new RpcError(-32602, `invalid transaction: ${(error as Error).message}`);
    }
    const signature = getSignatureFromTransaction(transaction);
    const preflightFailure = (err: TransactionErrorJson, logs: string[] = [], unitsConsumed = 0n) =>
      new RpcError(PREFLIGHT_FAILURE, `Transaction simulation failed: ${describeTransactionError(err)}`, {
        accounts: null,
        err,
        innerInstructions: null,
        logs,
        replacementBlockhash: null,
        returnData: null,
        unitsConsumed,
      });
    if (decoded.version === 1) throw preflightFailure("UnsupportedVersion");
    const message = decoded;
    if (this.records.has(signature)) throw preflightFailure("AlreadyProcessed");
    if (!("lifetimeToken" in message) || !this.isBlockhashValid(message.lifetimeToken as string)) throw preflightFailure("BlockhashNotFound");
    const slot = this.slot();
    this.svm.warpToSlot(BigInt(slot));
    if (!options.skipPreflight) {
      const simulated = this.svm.simulateTransaction(transaction);
      if (simulated instanceof FailedTransactionMetadata) throw preflightFailure(transactionErrorJson(simulated.err()), simulated.meta().logs(), simulated.meta().computeUnitsConsumed());
    }
    const keys = message.staticAccounts;
    const preBalances = keys.map((key) => this.balance(key));
    const result = this.svm.sendTransaction(transaction);
    const failed = result instanceof FailedTransactionMetadata;
    const meta = failed ? result.meta() : result;
    const postBalances = keys.map((key) => this.balance(key));
    // Nothing here collects fees: what the named accounts lost together is the fee that was burnt.
    const fee = preBalances.reduce((a, b) => a + b, 0n) - postBalances.reduce((a, b) => a + b, 0n);
    const record: ExecutedTransaction = {
      signature,
      slot,
      blockTime: Math.floor(this.now() / 1000),
      err: failed ? transactionErrorJson(result.err()) : null,
      logs: meta.logs(),
      fee,
      unitsConsumed: meta.computeUnitsConsumed(),
      wire: Buffer.from(wire).toString("base64"),
      preBalances,
      postBalances,
      message,
    };
    this.records.set(signature, record);
    for (const key of keys) this.track(key);
    this.bumps += 1;
    this.persist(record, keys);
    return signature;
  }

  /** The faucet: a transfer signed by the chain's own funded key, executed like any transaction. */
  async airdrop(to: Address, amount: bigint): Promise<string> {
    const { blockhash, lastValidBlockHeight } = this.latestBlockhash();
    const message = pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(this.options.faucet, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash, lastValidBlockHeight: BigInt(lastValidBlockHeight) }, m),
      (m) => appendTransactionMessageInstructions([getTransferSolInstruction({ source: this.options.faucet, destination: to, amount: lamports(amount) })], m),
    );
    const signed = await signTransactionMessageWithSigners(message);
    return this.send(Buffer.from(getBase64EncodedWireTransaction(signed), "base64"));
  }

  /** Writes the snapshot now (on stop, and every `snapshotEvery` transactions). */
  snapshot(): void {
    const store = this.options.store;
    if (!store) return;
    const snapshot: Snapshot = {
      format: "cyxwiz.chain",
      version: 1,
      genesisHash: this.genesisHash,
      seq: this.seq,
      slot: this.slot(),
      at: this.now(),
      accounts: [...this.tracked].map((a) => this.storedAccount(a)),
      records: [...this.records.values()].map(storedRecord),
    };
    store.writeSnapshot(snapshot);
    this.sinceSnapshot = 0;
  }

  private persist(record: ExecutedTransaction, keys: Address[]): void {
    const store = this.options.store;
    if (!store) return;
    this.seq += 1;
    const entry: JournalEntry = { seq: this.seq, at: this.now(), slot: record.slot, record: storedRecord(record), accounts: keys.filter((k) => this.tracked.has(k)).map((k) => this.storedAccount(k)) };
    store.append(entry);
    this.sinceSnapshot += 1;
    if (this.sinceSnapshot >= (this.options.snapshotEvery ?? 1000)) this.snapshot();
  }

  /** Programs and sysvars come with LiteSVM and are never written by a transaction: they are not ours to keep. */
  private track(key: Address): void {
    const account = this.svm.getAccount(key);
    if (account.exists && (account.executable || account.programAddress === SYSVAR_OWNER)) return;
    this.tracked.add(key);
  }

  private storedAccount(key: string): StoredAccount {
    const account = this.svm.getAccount(address(key));
    if (!account.exists) return { address: key, lamports: "0", owner: SYSTEM, data: "", executable: false };
    return { address: key, lamports: String(account.lamports), owner: account.programAddress, data: Buffer.from(account.data).toString("base64"), executable: account.executable };
  }

  private restoreAccount(account: StoredAccount): void {
    const data = Buffer.from(account.data, "base64");
    this.svm.setAccount({
      address: address(account.address),
      lamports: lamports(BigInt(account.lamports)),
      programAddress: address(account.owner),
      data,
      executable: account.executable,
      space: BigInt(data.length),
    });
    this.tracked.add(account.address);
  }

  private restoreRecord(record: StoredRecord): void {
    const message = getCompiledTransactionMessageDecoder().decode(getTransactionDecoder().decode(Buffer.from(record.wire, "base64")).messageBytes) as ExecutableMessage;
    this.records.set(record.signature, {
      ...record,
      fee: BigInt(record.fee),
      unitsConsumed: BigInt(record.unitsConsumed),
      preBalances: record.preBalances.map(BigInt),
      postBalances: record.postBalances.map(BigInt),
      message,
    });
  }

  /** Deterministic per slot, so that the hashes still valid after a restart can be recomputed rather than stored. */
  private blockhashOf(slot: number): Blockhash {
    return getBase58Decoder().decode(createHash("sha256").update(`${this.genesisHash}:${slot}`).digest()) as Blockhash;
  }

  private pruneBlockhashes(slot: number): void {
    if (this.blockhashes.size < 4 * BLOCKHASH_VALIDITY) return;
    for (const [hash, issued] of this.blockhashes) if (issued + BLOCKHASH_VALIDITY < slot) this.blockhashes.delete(hash);
  }
}

function storedRecord(record: ExecutedTransaction): StoredRecord {
  const { message: _message, ...rest } = record;
  return {
    ...rest,
    fee: String(record.fee),
    unitsConsumed: String(record.unitsConsumed),
    preBalances: record.preBalances.map(String),
    postBalances: record.postBalances.map(String),
  };
}
