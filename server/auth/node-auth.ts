import { fromBase64, registrationMessage, verifySignature } from "../../lib/compute/identity";
import { invalidArgument, permissionDenied, unauthenticated } from "../rpc/errors";
import { TokenError, type JobGrant, type TokenService } from "./tokens";

/**
 * The node an "authorization: Bearer <session token>" header proves. A token that proves no node
 * (missing, malformed, forged, expired, another kind of token) is UNAUTHENTICATED: the node
 * registers again, which gives it a valid one, and keeps its job. PERMISSION_DENIED is kept for
 * a proven node asking for what is not its own, which tells a node to stop a job.
 */
export async function nodeFromAuthorization(tokens: Pick<TokenService, "verifyNodeToken">, authorization: string | null | undefined): Promise<string> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match?.[1]) throw unauthenticated("missing session token (authorization: Bearer <session_token>)");
  try {
    return await tokens.verifyNodeToken(match[1]);
  } catch (error) {
    if (error instanceof TokenError) throw unauthenticated(error.message);
    throw error;
  }
}

/** A call that names a node_id must name the session token's own node: a borrowed token is PERMISSION_DENIED. */
export function requireClaimedNode(nodeId: string, claimedNodeId: string): string {
  if (claimedNodeId && claimedNodeId.toLowerCase() !== nodeId) throw permissionDenied("node_id does not match the session token");
  return nodeId;
}

/**
 * Checks a registration: the challenge is one this server issued and still valid, and the
 * signature is the public key's over it. Returns when the challenge was issued (the replay
 * guard). Bad challenges and signatures: PERMISSION_DENIED; a malformed key: INVALID_ARGUMENT.
 */
export async function proveIdentity(tokens: TokenService, challenge: string, publicKey: string, signature: Uint8Array): Promise<number> {
  const raw = fromBase64(publicKey);
  if (!raw || raw.length !== 32) throw invalidArgument("info.public_key", "must be a base64 raw ed25519 public key (32 bytes)");
  if (!challenge) throw invalidArgument("challenge", "required: ask GetRegistrationChallenge for one and sign it");
  let issuedMs: number;
  try {
    issuedMs = await tokens.verifyChallenge(challenge);
  } catch (error) {
    if (error instanceof TokenError) throw permissionDenied(`challenge: ${error.message}`);
    throw error;
  }
  if (!(await verifySignature(publicKey, registrationMessage(challenge, publicKey), signature))) {
    throw permissionDenied("signature: does not prove possession of info.public_key's private key");
  }
  return issuedMs;
}

/**
 * The attempt a job token grants this node on this job. A token that proves nothing (missing,
 * forged, expired) is UNAUTHENTICATED, which leaves the node its job (a heartbeat renews the
 * token); a genuine one for another job or node is PERMISSION_DENIED.
 */
export async function verifyJobToken(tokens: TokenService, token: string, jobId: string, nodeId: string): Promise<JobGrant> {
  if (!token) throw unauthenticated("missing job_token (it came with the assignment)");
  try {
    return await tokens.verifyJobToken(token, jobId, nodeId);
  } catch (error) {
    if (error instanceof TokenError) throw error.reason === "foreign" ? permissionDenied(`job_token: ${error.message}`) : unauthenticated(`job_token: ${error.message}`);
    throw error;
  }
}
