import { createAddressWithSeed, type Address } from "@solana/kit";

/** The System program: the owner of every escrow account, so that only TransferSolWithSeed signed by the base key moves its lamports. */
export const SYSTEM_PROGRAM = "11111111111111111111111111111111" as Address;

/** The legacy memo program (v3): present on every cluster and in LiteSVM, unlike the newer default of @solana-program/memo. */
export const MEMO_PROGRAM = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr" as Address;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The seed of a job's escrow account: the job id's 32 hexadecimal digits, lowercase, without dashes.
 * A seed holds at most 32 bytes, so "job:" + a UUID (40) cannot be one; the bare digits are exactly
 * 32 and anyone can derive them from the job id by hand (`solana create-address-with-seed --from
 * <platform key> <seed> 11111111111111111111111111111111` gives the same address). The platform key
 * derives nothing else, so the seed needs no prefix to say what it is.
 */
export function escrowSeed(jobId: string): string {
  if (!UUID.test(jobId)) throw new Error(`a job id is a UUID, got "${jobId}"`);
  return jobId.replaceAll("-", "").toLowerCase();
}

/** Where a job's deposit goes: derived from the platform's published escrow key and the job id, recomputable by anyone (the Engine shows it before the user signs). */
export function escrowAddress(platformKey: Address, jobId: string): Promise<Address> {
  return createAddressWithSeed({ baseAddress: platformKey, programAddress: SYSTEM_PROGRAM, seed: escrowSeed(jobId) });
}
