import { createPublicKey, verify } from "node:crypto";
import { walletMessage } from "../../lib/compute/identity";
import { invalidArgument, unauthenticated } from "../rpc/errors";
import { base58Decode } from "./base58";

/**
 * The wallet a registering node proved it holds, or undefined when it named none. A Solana address
 * is its ed25519 public key, so the proof is a signature by it over the registration's challenge and
 * the node's key: a node cannot claim someone else's wallet, nor replay another registration's proof.
 * Call it after the challenge itself was checked (proveIdentity). A malformed address or a missing
 * signature is INVALID_ARGUMENT; a signature that does not verify is UNAUTHENTICATED.
 */
export function proveWallet(walletAddress: string, signature: Uint8Array, challenge: string, publicKey: string): string | undefined {
  if (!walletAddress) return undefined;
  const key = base58Decode(walletAddress);
  if (!key || key.length !== 32) throw invalidArgument("info.wallet_address", "must be a base58 Solana address (a 32-byte ed25519 public key)");
  if (signature.length === 0)
    throw invalidArgument("wallet_signature", 'required with info.wallet_address: the wallet\'s signature of "cyxwiz node wallet v1\\n" + challenge + "\\n" + info.public_key');
  if (!verifies(key, walletMessage(challenge, publicKey), signature)) throw unauthenticated("wallet_signature: does not prove possession of info.wallet_address's private key");
  return walletAddress;
}

function verifies(rawKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(rawKey).toString("base64url") }, format: "jwk" });
    return verify(null, message, key, signature);
  } catch {
    // Not every 32 bytes are a point on the curve; such a key verifies nothing.
    return false;
  }
}
