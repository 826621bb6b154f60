import { createKeyPairSignerFromBytes, type KeyPairSigner } from "@solana/kit";

/**
 * The signer in a keypair file's text, in the Solana CLI's format (a JSON array of the 64 bytes:
 * secret key, then public key); `source` names the file in errors. Parsing only, so that the server
 * and the worker host, which each read key files their own way, agree on what one is. The bytes are
 * not kept: the signer holds a non-extractable WebCrypto key.
 */
export async function keypairFromJson(text: string, source: string): Promise<KeyPairSigner> {
  const notKeypair = `${source} is not a keypair file: expected a JSON array of 64 bytes, as \`solana-keygen new\` writes`;
  let bytes: unknown;
  try {
    bytes = JSON.parse(text);
  } catch {
    throw new Error(notKeypair);
  }
  if (!Array.isArray(bytes) || bytes.length !== 64 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) throw new Error(notKeypair);
  const raw = Uint8Array.from(bytes as number[]);
  try {
    return await createKeyPairSignerFromBytes(raw);
  } catch (error) {
    // The last 32 bytes are not the first 32's public key: a damaged or hand-made file.
    throw new Error(`${source} is not a keypair file: its public key does not belong to its secret key`, { cause: error });
  } finally {
    raw.fill(0);
  }
}
