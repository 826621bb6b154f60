import { memoInstruction } from "../../lib/payments/deposit";
import { address, generateKeyPairSigner, lamports as toLamports, type Address, type Instruction, type TransactionSigner } from "@solana/kit";
import { getCreateAccountInstruction, getTransferSolInstruction } from "@solana-program/system";
import {
  getCloseAccountInstruction,
  getInitializeAccount3Instruction,
  getInitializeMultisigInstruction,
  getMultisigSize,
  getSyncNativeInstruction,
  getTokenSize,
  TOKEN_PROGRAM_ADDRESS,
} from "@solana-program/token";
import { paymentMemo } from "../../lib/payments/memo";
import { splitFee } from "../../lib/payments/pricing";
import type { ChainClient, Outcome } from "../../lib/payments/chain-client";
import type { PlatformKey } from "../chain/platform-key";
import { PaymentError } from "./errors";

/** Wrapped SOL: a token account of this mint holds lamports, counted as tokens after SyncNative. */
export const NATIVE_MINT = address("So11111111111111111111111111111111111111112");

/** A job's trust-minimised escrow: a wrapped-SOL token account owned by an SPL 2-of-3 multisig of the user, the platform and the node. */
export interface MultisigVault {
  jobId: string;
  multisig: Address;
  vault: Address;
  user: Address;
  node: Address;
  platform: Address;
}

/**
 * The trust-minimised escrow, for jobs that ask for it: the deposit is wrapped SOL in a token account
 * whose owner is an SPL Token multisig needing 2 of {user, platform, node}. Release takes the platform
 * and the node, refund the platform and the user: the platform alone moves nothing, nor does any one
 * party. It exists only once the job's node is known (at assignment). Each operation is a single
 * transaction that closes the vault, so it happens at most once by construction: a closed vault has
 * nothing left to move. The multisig account's rent (about 0.0033 SOL) stays locked: SPL multisig
 * accounts cannot be closed.
 */
export class MultisigEscrow {
  constructor(private readonly options: { chain: ChainClient; platform: PlatformKey; feeBps: number }) {}

  /**
   * The user's deposit: creates the multisig and the vault, wraps `lamports` into it and names the job,
   * in one transaction the user signs and pays (including both accounts' rent).
   */
  async deposit(jobId: string, user: TransactionSigner, node: Address, lamports: bigint): Promise<{ vault: MultisigVault; outcome: Outcome }> {
    const { chain, platform } = this.options;
    const [multisig, vault] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
    const [multisigRent, vaultRent] = await Promise.all([chain.minimumBalanceForRentExemption(getMultisigSize()), chain.minimumBalanceForRentExemption(getTokenSize())]);
    const instructions: Instruction[] = [
      getCreateAccountInstruction({ payer: user, newAccount: multisig, lamports: toLamports(multisigRent), space: getMultisigSize(), programAddress: TOKEN_PROGRAM_ADDRESS }),
      getInitializeMultisigInstruction({ multisig: multisig.address, m: 2, signers: [user.address, platform.address, node] }),
      getCreateAccountInstruction({ payer: user, newAccount: vault, lamports: toLamports(vaultRent), space: getTokenSize(), programAddress: TOKEN_PROGRAM_ADDRESS }),
      getInitializeAccount3Instruction({ account: vault.address, mint: NATIVE_MINT, owner: multisig.address }),
      getTransferSolInstruction({ source: user, destination: vault.address, amount: toLamports(lamports) }),
      getSyncNativeInstruction({ account: vault.address }),
      memoInstruction(paymentMemo({ kind: "deposit", jobId })),
    ];
    const outcome = await chain.sendAndConfirm(await chain.sign(user, instructions));
    return { vault: { jobId, multisig: multisig.address, vault: vault.address, user: user.address, node, platform: platform.address }, outcome };
  }

  /**
   * Pays `lamports` of the deposit for the node's work, signed by the platform and the node: the vault
   * is closed to the node, which in the same transaction passes the platform fee to the treasury and
   * the rest of the deposit, with the vault's rent, back to the user. The node nets the price minus
   * the fee; nothing stays behind.
   */
  async release(vault: MultisigVault, node: TransactionSigner, attempt: number, lamports: bigint): Promise<Outcome> {
    const { chain, platform } = this.options;
    if (node.address !== vault.node) throw new PaymentError("wrong_payer", `the vault of job ${vault.jobId} names node ${vault.node}, not ${node.address}`);
    const held = await chain.balance(vault.vault);
    const rent = await chain.minimumBalanceForRentExemption(getTokenSize());
    if (held === 0n) throw new PaymentError("insufficient_escrow", `the vault of job ${vault.jobId} is closed: it was released or refunded`);
    if (lamports <= 0n || lamports > held - rent) throw new PaymentError("insufficient_escrow", `the vault holds ${held - rent} lamports of deposit; ${lamports} cannot be released`);
    const { treasury: fee } = splitFee(lamports, this.options.feeBps);
    const back = held - lamports;
    const instructions: Instruction[] = [
      getCloseAccountInstruction({ account: vault.vault, destination: node.address, owner: vault.multisig, multiSigners: [platform.signer, node] }),
      ...(fee > 0n ? [getTransferSolInstruction({ source: node, destination: platform.treasury, amount: toLamports(fee) })] : []),
      getTransferSolInstruction({ source: node, destination: vault.user, amount: toLamports(back) }),
      memoInstruction(paymentMemo({ kind: "release", jobId: vault.jobId, attempt })),
    ];
    return chain.sendAndConfirm(await chain.sign(platform.signer, instructions));
  }

  /** Returns the whole deposit and the vault's rent to the user, signed by the platform and the user. */
  async refund(vault: MultisigVault, user: TransactionSigner): Promise<Outcome> {
    const { chain, platform } = this.options;
    if (user.address !== vault.user) throw new PaymentError("wrong_payer", `the vault of job ${vault.jobId} names user ${vault.user}, not ${user.address}`);
    const instructions: Instruction[] = [
      getCloseAccountInstruction({ account: vault.vault, destination: vault.user, owner: vault.multisig, multiSigners: [platform.signer, user] }),
      memoInstruction(paymentMemo({ kind: "refund", jobId: vault.jobId })),
    ];
    return chain.sendAndConfirm(await chain.sign(platform.signer, instructions));
  }
}
