/**
 * A node's identity: an ed25519 key pair. The public key names the node (a returning tab or
 * host is the same node, with the same reputation); registering proves possession of the
 * private key by signing a one-time challenge from the server. WebCrypto only, so the same code
 * runs in a tab, in a Web Worker and in Node.
 */
export interface NodeIdentity {
  /** Base64 of the raw 32-byte public key. */
  readonly publicKey: string;
  sign(message: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
}

/**
 * The Solana wallet a node is paid into. The address is the wallet's ed25519 public key (base58), so
 * a signature by it proves the node holds the key: nobody can register someone else's wallet as theirs.
 */
export interface NodeWallet {
  readonly address: string;
  sign(message: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
}

const ED25519 = { name: "Ed25519" } as const;
const REGISTRATION_CONTEXT = "cyxwiz node registration v1";
// A context of its own, so that neither signature can be passed off as the other.
const WALLET_CONTEXT = "cyxwiz node wallet v1";

/** The bytes a node signs to register: bound to the challenge and to the key it names. */
export function registrationMessage(challenge: string, publicKey: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${REGISTRATION_CONTEXT}\n${challenge}\n${publicKey}`);
}

/** The bytes a node's wallet signs at registration: the same fresh challenge, and the node key it vouches for. */
export function walletMessage(challenge: string, publicKey: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${WALLET_CONTEXT}\n${challenge}\n${publicKey}`);
}

export async function generateKeyPair(extractable: boolean): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ED25519, extractable, ["sign", "verify"])) as CryptoKeyPair;
}

export async function identityFromKeyPair(keys: CryptoKeyPair): Promise<NodeIdentity> {
  const publicKey = toBase64(new Uint8Array(await crypto.subtle.exportKey("raw", keys.publicKey)));
  return {
    publicKey,
    sign: async (message) => new Uint8Array(await crypto.subtle.sign(ED25519, keys.privateKey, message)),
  };
}

/** An identity that lives only as long as the process (tests, and hosts told not to keep one). */
export async function ephemeralIdentity(): Promise<NodeIdentity> {
  return identityFromKeyPair(await generateKeyPair(false));
}

/** Whether `signature` is `publicKey`'s signature of `message`; false for malformed keys. */
export async function verifySignature(publicKey: string, message: Uint8Array<ArrayBuffer>, signature: Uint8Array): Promise<boolean> {
  const raw = fromBase64(publicKey);
  if (!raw || raw.length !== 32 || signature.length !== 64) return false;
  try {
    const key = await crypto.subtle.importKey("raw", raw, ED25519, false, ["verify"]);
    return await crypto.subtle.verify(ED25519, key, new Uint8Array(signature), message);
  } catch {
    return false;
  }
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Decoded bytes, or undefined when the text is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
