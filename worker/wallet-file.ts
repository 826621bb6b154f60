import { readFile } from "node:fs/promises";
import { signBytes } from "@solana/kit";
import type { NodeWallet } from "../lib/compute/identity";
import { keypairFromJson } from "../lib/payments/keypair";
import { UsageError } from "./options";

/**
 * The wallet in a `--wallet` keypair file (the Solana CLI's format). Both failures are the
 * operator's to fix, so both are usage errors in plain words rather than a stack trace.
 */
export async function readWalletFile(file: string): Promise<NodeWallet> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new UsageError(`--wallet: cannot read ${file} (${why})`);
  }
  try {
    const signer = await keypairFromJson(text, file);
    return { address: signer.address, sign: (message) => signBytes(signer.keyPair.privateKey, message) };
  } catch (error) {
    throw new UsageError(`--wallet: ${(error as Error).message}`);
  }
}
