import { createHmac } from "node:crypto";
import { GRAPH_TOKEN_HEADER, JOB_TOKEN_HEADER, MAX_CAPABILITIES } from "../../lib/wire/headers";
import { unauthenticated } from "../rpc/errors";
import { newSecret, secretHash } from "./secrets";

/**
 * Capability tokens: a secret handed out once to whoever created something anonymously, which
 * then reads and changes that thing alone. Only its SHA-256 is stored, beside the thing, so a
 * store checks a token in the same statement that reads or writes (WHERE … AND token_hash = …).
 * Each kind has its own prefix, so a token of one kind never opens another kind's things.
 */
const KINDS = {
  graph: { prefix: "cwg_", header: GRAPH_TOKEN_HEADER },
  job: { prefix: "cwj_", header: JOB_TOKEN_HEADER },
} as const;

export type CapabilityKind = keyof typeof KINDS;

/** What a request may reach: its signed-in user's own things, and the ownerless ones of the tokens it sent (as hashes). */
export interface Access {
  userId?: string;
  tokenHashes: string[];
}

/** A token is the prefix and 256 bits (random, or an HMAC: see derivedCapability) in base64url. */
const SHAPE = /^cw[a-z]_[A-Za-z0-9_-]{43}$/;

export const capabilityHeader = (kind: CapabilityKind): string => KINDS[kind].header;

/** A new token, to show once, and the hash to store. */
export function newCapability(kind: CapabilityKind): { token: string; hash: string } {
  const token = newSecret(KINDS[kind].prefix);
  return { token, hash: secretHash(token) };
}

/**
 * A token computed from a server key and the id of what it opens (HMAC-SHA256) rather than drawn
 * at random, for things whose token must be answered again without being stored: a retried
 * SubmitJob whose first answer was lost. Whoever lacks the key cannot compute one; the NUL keeps
 * the message apart from any JWT signing input made with the same key.
 */
export function derivedCapability(kind: CapabilityKind, key: Uint8Array, subject: string): { token: string; hash: string } {
  const token = `${KINDS[kind].prefix}${createHmac("sha256", key).update(`${kind}\0${subject}`).digest("base64url")}`;
  return { token, hash: secretHash(token) };
}

/**
 * The hashes of the tokens a header carries (comma-separated, as repeated headers arrive). A token
 * not of this kind, or too many, cannot verify: UNAUTHENTICATED names the header.
 */
export function capabilityHashes(kind: CapabilityKind, value: string | null): string[] {
  const { prefix, header } = KINDS[kind];
  const tokens = (value ?? "")
    .split(",")
    .map((token) => token.trim())
    .filter(Boolean);
  if (tokens.length > MAX_CAPABILITIES) throw unauthenticated(`${header}: at most ${MAX_CAPABILITIES} tokens a request`);
  if (tokens.some((token) => !SHAPE.test(token) || !token.startsWith(prefix))) throw unauthenticated(`${header}: not a ${kind} token`);
  return tokens.map(secretHash);
}
