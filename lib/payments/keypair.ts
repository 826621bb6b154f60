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

/**
 * A new ed25519 keypair as the 64 bytes a Solana CLI keypair file holds (secret key, then public
 * key), made with WebCrypto so that it works alike in Node and browsers. The caller writes it (and
 * should zero it after).
 */
export async function newKeypairBytes(): Promise<Uint8Array> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const bytes = new Uint8Array(64);
  bytes.set(base64url(jwk.d as string), 0);
  bytes.set(base64url(jwk.x as string), 32);
  return bytes;
}

function base64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
