import { address, getBase58Decoder, getBase58Encoder, getCompiledTransactionMessageDecoder, isAddress, type Address } from "@solana/kit";
import { RpcError, type EmbeddedSvm, type ExecutedTransaction } from "./embedded-svm";

export type RpcMethod = (params: unknown[]) => unknown;

export interface RpcMethodsOptions {
  /** The most one airdrop may give (a cluster's faucet caps it too). */
  airdropMaxLamports: bigint;
}

const INVALID_PARAMS = -32602;

/**
 * The cluster JSON-RPC methods the server, the Engine (web3.js 1 `Connection`, wallet adapters) and the
 * CLI use, answered from the embedded SVM in the shapes a cluster gives (`context.slot`, encodings,
 * errors), so that the same client code runs here and against devnet. Everything is final as soon as
 * it executes: every commitment level reads the same state.
 */
export function rpcMethods(chain: EmbeddedSvm, options: RpcMethodsOptions): Record<string, RpcMethod> {
  const context = () => ({ slot: chain.slot(), apiVersion: "2.1.0" });
  const withContext = (value: unknown) => ({ context: context(), value });
  const accountInfo = (key: Address, encoding: string | undefined) => {
    const account = chain.svm.getAccount(key);
    if (!account.exists) return null;
    const data = Buffer.from(account.data);
    // As on a cluster, jsonParsed falls back to base64 for data it has no parser for (here: all).
    const encoded = encoding === "base58" ? [getBase58Decoder().decode(data), "base58"] : [data.toString("base64"), "base64"];
    return { data: encoded, executable: account.executable, lamports: BigInt(account.lamports), owner: account.programAddress, rentEpoch: 0n, space: BigInt(data.length) };
  };
  return {
    getHealth: () => "ok",
    getVersion: () => ({ "solana-core": "2.1.0", "feature-set": 0 }),
    getGenesisHash: () => chain.genesisHash,
    getSlot: () => chain.slot(),
    getBlockHeight: () => chain.slot(),
    getEpochInfo: () => ({ absoluteSlot: chain.slot(), blockHeight: chain.slot(), epoch: 0, slotIndex: chain.slot(), slotsInEpoch: 432_000, transactionCount: null }),
    getLatestBlockhash: () => withContext(chain.latestBlockhash()),
    isBlockhashValid: ([blockhash]) => withContext(chain.isBlockhashValid(String(blockhash))),
    getFeeForMessage: ([message]) => {
      const decoded = getCompiledTransactionMessageDecoder().decode(Buffer.from(String(message), "base64"));
      const valid = "lifetimeToken" in decoded && chain.isBlockhashValid(decoded.lifetimeToken as string);
      return withContext(valid ? 5000n * BigInt(decoded.header.numSignerAccounts) : null);
    },
    getMinimumBalanceForRentExemption: ([size]) => chain.svm.minimumBalanceForRentExemption(BigInt(nonNegative(size, "data length"))),
    getBalance: ([key]) => withContext(chain.balance(addressParam(key))),
    getAccountInfo: ([key, config]) => withContext(accountInfo(addressParam(key), (config as { encoding?: string } | undefined)?.encoding)),
    getMultipleAccounts: ([keys, config]) => {
      if (!Array.isArray(keys) || keys.length > 100) throw new RpcError(INVALID_PARAMS, "Invalid params: expected an array of at most 100 addresses");
      return withContext(keys.map((k) => accountInfo(addressParam(k), (config as { encoding?: string } | undefined)?.encoding)));
    },
    requestAirdrop: async ([key, amount]) => {
      const lamports = BigInt(nonNegative(amount, "lamports"));
      if (lamports > options.airdropMaxLamports) throw new RpcError(-32603, `Internal error: airdrop of ${lamports} lamports is over this faucet's limit of ${options.airdropMaxLamports}`);
      return chain.airdrop(addressParam(key), lamports);
    },
    sendTransaction: ([wire, config]) => {
      const { encoding = "base58", skipPreflight = false } = (config ?? {}) as { encoding?: string; skipPreflight?: boolean };
      const bytes = encoding === "base64" ? Buffer.from(String(wire), "base64") : Uint8Array.from(getBase58Encoder().encode(String(wire)));
      return chain.send(bytes, { skipPreflight });
    },
    getSignatureStatuses: ([signatures]) => {
      if (!Array.isArray(signatures) || signatures.length > 256) throw new RpcError(INVALID_PARAMS, "Invalid params: expected an array of at most 256 signatures");
      return withContext(
        signatures.map((s) => {
          const record = chain.transaction(String(s));
          if (!record) return null;
          return { slot: record.slot, confirmations: null, err: record.err, status: record.err ? { Err: record.err } : { Ok: null }, confirmationStatus: "finalized" };
        }),
      );
    },
    getTransaction: ([signature, config]) => {
      const { encoding = "json", maxSupportedTransactionVersion } = (config ?? {}) as { encoding?: string; maxSupportedTransactionVersion?: number };
      const record = chain.transaction(String(signature));
      if (!record) return null;
      const version = record.message.version;
      if (version !== "legacy" && (maxSupportedTransactionVersion === undefined || version > maxSupportedTransactionVersion)) {
        throw new RpcError(
          -32015,
          `Transaction version (${version}) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": ${version}`,
        );
      }
      if (encoding !== "json" && encoding !== "base64") throw new RpcError(INVALID_PARAMS, `Invalid params: this chain answers getTransaction in "json" or "base64", not "${encoding}"`);
      return { slot: record.slot, blockTime: record.blockTime, version, transaction: encoding === "base64" ? [record.wire, "base64"] : transactionJson(record), meta: transactionMeta(record) };
    },
  };
}

/** The transaction in a cluster's "json" encoding (addresses and base58 instruction data). */
function transactionJson(record: ExecutedTransaction) {
  const { message } = record;
  const signatures = [record.signature, ...Array.from({ length: message.header.numSignerAccounts - 1 }, (_, i) => signatureAt(record, i + 1))];
  return {
    signatures,
    message: {
      accountKeys: message.staticAccounts,
      header: {
        numRequiredSignatures: message.header.numSignerAccounts,
        numReadonlySignedAccounts: message.header.numReadonlySignerAccounts,
        numReadonlyUnsignedAccounts: message.header.numReadonlyNonSignerAccounts,
      },
      recentBlockhash: "lifetimeToken" in message ? message.lifetimeToken : null,
      instructions: message.instructions.map((ix) => ({
        programIdIndex: ix.programAddressIndex,
        accounts: ix.accountIndices ?? [],
        data: getBase58Decoder().decode(ix.data ?? new Uint8Array()),
        stackHeight: null,
      })),
      ...(message.version === "legacy" ? {} : { addressTableLookups: [] }),
    },
  };
}

function transactionMeta(record: ExecutedTransaction) {
  return {
    err: record.err,
    status: record.err ? { Err: record.err } : { Ok: null },
    fee: record.fee,
    preBalances: record.preBalances,
    postBalances: record.postBalances,
    innerInstructions: [],
    logMessages: record.logs,
    // Token balances are not tracked here (nothing of ours reads them); the lamport balances are exact.
    preTokenBalances: [],
    postTokenBalances: [],
    rewards: [],
    loadedAddresses: { writable: [], readonly: [] },
    computeUnitsConsumed: record.unitsConsumed,
  };
}

function signatureAt(record: ExecutedTransaction, index: number): string {
  // The wire format: a compact length (one byte below 128 signatures), then 64 bytes per signature.
  const wire = Buffer.from(record.wire, "base64");
  return getBase58Decoder().decode(wire.subarray(1 + 64 * index, 1 + 64 * (index + 1)));
}

function addressParam(value: unknown): Address {
  if (typeof value !== "string" || !isAddress(value)) throw new RpcError(INVALID_PARAMS, `Invalid param: Invalid address "${String(value)}"`);
  return address(value);
}

function nonNegative(value: unknown, what: string): number | bigint {
  if ((typeof value === "number" && Number.isInteger(value) && value >= 0) || (typeof value === "bigint" && value >= 0n)) return value;
  throw new RpcError(INVALID_PARAMS, `Invalid params: ${what} must be a whole number ≥ 0`);
}
