import { lamports, type Address, type Instruction, type TransactionSigner } from "@solana/kit";
import { getAddMemoInstruction } from "@solana-program/memo";
import { getTransferSolInstruction } from "@solana-program/system";
import { MEMO_PROGRAM } from "./escrow-address";
import { paymentMemo } from "./memo";

/** A memo instruction on the legacy v3 memo program, the one present on every cluster and in LiteSVM. */
export function memoInstruction(text: string): Instruction {
  return getAddMemoInstruction({ memo: text }, { programAddress: MEMO_PROGRAM });
}

/**
 * What a wallet signs to pay a job: the price into the job's escrow address and the memo naming the
 * job, in one transaction (the server counts a deposit only with both). The Engine's wallet, the CLI
 * and the tests build it alike.
 */
export function depositInstructions(payer: TransactionSigner, escrow: Address, amount: bigint, jobId: string): Instruction[] {
  return [getTransferSolInstruction({ source: payer, destination: escrow, amount: lamports(amount) }), memoInstruction(paymentMemo({ kind: "deposit", jobId }))];
}
