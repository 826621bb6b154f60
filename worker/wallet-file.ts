import { readFile } from "node:fs/promises";
import { signBytes, type KeyPairSigner } from "@solana/kit";
import type { NodeWallet } from "../lib/compute/identity";
import { keypairFromJson } from "../lib/payments/keypair";
import { UsageError } from "./options";

/**
 * The signer in a `--wallet` keypair file (the Solana CLI's format), for the headless host and the
 * CLI alike. Both failures are the operator's to fix, so both are usage errors in plain words
 * rather than a stack trace.
 */
export async function readKeypairSigner(file: string, flag = "--wallet"): Promise<KeyPairSigner> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new UsageError(`${flag}: cannot read ${file} (${why})`);
  }
  try {
    return await keypairFromJson(text, file);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}

/** The wallet a node is paid into, from its `--wallet` keypair file. */
export async function readWalletFile(file: string): Promise<NodeWallet> {
  const signer = await readKeypairSigner(file);
  return { address: signer.address, sign: (message) => signBytes(signer.keyPair.privateKey, message) };
}
