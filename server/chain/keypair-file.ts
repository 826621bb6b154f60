import { randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { KeyPairSigner } from "@solana/kit";
import { keypairFromJson, newKeypairBytes } from "../../lib/payments/keypair";

/** Reads a keypair file in the Solana CLI's format (see keypairFromJson). */
export async function readKeypairFile(file: string): Promise<KeyPairSigner> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read the keypair file ${file}: ${(error as Error).message}`, { cause: error });
  }
  return keypairFromJson(text, file);
}

/**
 * The keypair in `file`, created (owner-only, mode 0600) when there is none. The key is written whole
 * to a temporary file and then linked into place, which fails if the file exists: two processes
 * starting together cannot each use a different key, nor read a half-written one.
 */
export async function loadOrCreateKeypairFile(file: string): Promise<KeyPairSigner> {
  await mkdir(path.dirname(file), { recursive: true });
  const secret = await newKeypairBytes();
  const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const handle = await open(temporary, "wx", 0o600);
    try {
      await handle.writeFile(JSON.stringify([...secret]));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temporary, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  } finally {
    secret.fill(0);
    await rm(temporary, { force: true });
  }
  return readKeypairFile(file);
}
