import type { FailedTransactionMetadata } from "litesvm";

/** A transaction error as a cluster's JSON-RPC writes it: `"AlreadyProcessed"`, `{ "InstructionError": [0, { "Custom": 1 }] }`, `{ "InsufficientFundsForRent": { "account_index": 1 } }`. */
export type TransactionErrorJson = string | Record<string, unknown>;

// LiteSVM's bindings expose these enums as numbers only (const enums): the names, in their order, are
// the Rust enums' variants, which is what a cluster's JSON carries.
const TRANSACTION_ERRORS = [
  "AccountInUse",
  "AccountLoadedTwice",
  "AccountNotFound",
  "ProgramAccountNotFound",
  "InsufficientFundsForFee",
  "InvalidAccountForFee",
  "AlreadyProcessed",
  "BlockhashNotFound",
  "CallChainTooDeep",
  "MissingSignatureForFee",
  "InvalidAccountIndex",
  "SignatureFailure",
  "InvalidProgramForExecution",
  "SanitizeFailure",
  "ClusterMaintenance",
  "AccountBorrowOutstanding",
  "WouldExceedMaxBlockCostLimit",
  "UnsupportedVersion",
  "InvalidWritableAccount",
  "WouldExceedMaxAccountCostLimit",
  "WouldExceedAccountDataBlockLimit",
  "TooManyAccountLocks",
  "AddressLookupTableNotFound",
  "InvalidAddressLookupTableOwner",
  "InvalidAddressLookupTableData",
  "InvalidAddressLookupTableIndex",
  "InvalidRentPayingAccount",
  "WouldExceedMaxVoteCostLimit",
  "WouldExceedAccountDataTotalLimit",
  "MaxLoadedAccountsDataSizeExceeded",
  "ResanitizationNeeded",
  "InvalidLoadedAccountsDataSizeLimit",
  "UnbalancedTransaction",
  "ProgramCacheHitMaxLimit",
  "CommitCancelled",
];

const INSTRUCTION_ERRORS = [
  "GenericError",
  "InvalidArgument",
  "InvalidInstructionData",
  "InvalidAccountData",
  "AccountDataTooSmall",
  "InsufficientFunds",
  "IncorrectProgramId",
  "MissingRequiredSignature",
  "AccountAlreadyInitialized",
  "UninitializedAccount",
  "UnbalancedInstruction",
  "ModifiedProgramId",
  "ExternalAccountLamportSpend",
  "ExternalAccountDataModified",
  "ReadonlyLamportChange",
  "ReadonlyDataModified",
  "DuplicateAccountIndex",
  "ExecutableModified",
  "RentEpochModified",
  "NotEnoughAccountKeys",
  "AccountDataSizeChanged",
  "AccountNotExecutable",
  "AccountBorrowFailed",
  "AccountBorrowOutstanding",
  "DuplicateAccountOutOfSync",
  "InvalidError",
  "ExecutableDataModified",
  "ExecutableLamportChange",
  "ExecutableAccountNotRentExempt",
  "UnsupportedProgramId",
  "CallDepth",
  "MissingAccount",
  "ReentrancyNotAllowed",
  "MaxSeedLengthExceeded",
  "InvalidSeeds",
  "InvalidRealloc",
  "ComputationalBudgetExceeded",
  "PrivilegeEscalation",
  "ProgramEnvironmentSetupFailure",
  "ProgramFailedToComplete",
  "ProgramFailedToCompile",
  "Immutable",
  "IncorrectAuthority",
  "AccountNotRentExempt",
  "InvalidAccountOwner",
  "ArithmeticOverflow",
  "UnsupportedSysvar",
  "IllegalOwner",
  "MaxAccountsDataAllocationsExceeded",
  "MaxAccountsExceeded",
  "MaxInstructionTraceLengthExceeded",
  "BuiltinProgramsMustConsumeComputeUnits",
];

type LiteSvmError = ReturnType<FailedTransactionMetadata["err"]>;

/** A failed LiteSVM transaction's error in a cluster's JSON. */
export function transactionErrorJson(err: LiteSvmError): TransactionErrorJson {
  if (typeof err === "number") return TRANSACTION_ERRORS[err] ?? `TransactionError${err}`;
  if ("accountIndex" in err) return { [err.constructor.name.replace(/^TransactionError/, "")]: { account_index: err.accountIndex } };
  if ("err" in err) {
    const inner = err.err();
    const json = typeof inner === "number" ? (INSTRUCTION_ERRORS[inner] ?? `InstructionError${inner}`) : "code" in inner ? { Custom: inner.code } : { BorshIoError: inner.msg };
    return { InstructionError: [err.index, json] };
  }
  return { DuplicateInstruction: err.index };
}

/** How a cluster words the error in a failed preflight's message ("Transaction simulation failed: …"). */
export function describeTransactionError(err: TransactionErrorJson): string {
  if (err === "BlockhashNotFound") return "Blockhash not found";
  if (err === "AlreadyProcessed") return "This transaction has already been processed";
  if (typeof err === "string") return err;
  const rent = err.InsufficientFundsForRent as { account_index: number } | undefined;
  if (rent) return `Transaction results in an account (${rent.account_index}) with insufficient funds for rent`;
  const instruction = err.InstructionError as [number, unknown] | undefined;
  if (instruction) {
    const [index, inner] = instruction;
    const detail = typeof inner === "object" && inner && "Custom" in inner ? `custom program error: 0x${(inner as { Custom: number }).Custom.toString(16)}` : JSON.stringify(inner);
    return `Error processing Instruction ${index}: ${detail}`;
  }
  return JSON.stringify(err);
}
