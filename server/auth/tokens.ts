import { randomUUID } from "node:crypto";
import { errors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { derivedCapability } from "./capability";

export class TokenError extends Error {
  constructor(
    message: string,
    /** expired or invalid: the token proves nothing; foreign: a genuine token, granting something else. */
    readonly reason: "expired" | "invalid" | "foreign",
  ) {
    super(message);
  }
}

const ISSUER = "cyxwiz-central";
const CHALLENGE_TTL_SECONDS = 120;

type TokenType = "node" | "challenge" | "job" | "user" | "wallet";

const EXPIRED: Record<TokenType, string> = {
  node: "session token expired; register again",
  challenge: "registration challenge expired; ask for a new one",
  job: "job token expired",
  user: "access token expired; refresh it",
  wallet: "wallet challenge expired; ask for a new one",
};

const LABEL: Record<TokenType, string> = { node: "session", challenge: "challenge", job: "job", user: "access", wallet: "wallet challenge" };

export interface JobGrant {
  jobId: string;
  nodeId: string;
  attempt: number;
}

/** Verified node tokens remembered at most (about 100 bytes each): more than the nodes one instance serves. */
const VERIFIED_TOKENS_KEPT = 100_000;

/**
 * The server's HS256 JWTs, each typed so one kind never passes for another:
 * - node session tokens, bound to one node id;
 * - registration challenges a node signs with its ed25519 key (short-lived; their issue time
 *   lets the registration refuse a challenge the node already used);
 * - job tokens, bound to one attempt of one job on one node, which every report must carry;
 * - user access tokens (short-lived; refresh tokens are database rows, see the user store);
 * - wallet sign-in challenges, bound to one wallet address.
 * Every server instance shares the key (from the database or configuration), so any of them
 * checks any token.
 */
export class TokenService {
  private readonly key: Uint8Array;
  /** Node session tokens this instance has verified, oldest first, with when each expires. */
  private readonly verifiedNodeTokens = new Map<string, { nodeId: string; expiresAtMs: number }>();

  constructor(
    secret: string,
    readonly ttlSeconds: number,
    readonly jobTokenTtlSeconds: number,
    readonly accessTokenTtlSeconds = 15 * 60,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  issueNodeToken(nodeId: string): Promise<{ token: string; expiresAt: Date }> {
    return this.sign("node", nodeId, this.ttlSeconds);
  }

  /**
   * The node id the token was issued to. A node presents the same token with every call (a
   * heartbeat every 10 s from each of thousands of nodes), so verified ones are remembered until
   * they expire: a map lookup instead of an HMAC each time.
   */
  async verifyNodeToken(token: string): Promise<string> {
    const known = this.verifiedNodeTokens.get(token);
    if (known && known.expiresAtMs > Date.now()) return known.nodeId;
    this.verifiedNodeTokens.delete(token);
    const payload = await this.verify(token, "node");
    if (this.verifiedNodeTokens.size >= VERIFIED_TOKENS_KEPT) this.verifiedNodeTokens.delete(this.verifiedNodeTokens.keys().next().value as string);
    this.verifiedNodeTokens.set(token, { nodeId: payload.sub as string, expiresAtMs: (payload.exp as number) * 1000 });
    return payload.sub as string;
  }

  issueChallenge(): Promise<{ token: string; expiresAt: Date }> {
    return this.sign("challenge", randomUUID(), CHALLENGE_TTL_SECONDS, { iat_ms: Date.now() });
  }

  /** When the challenge was issued (ms), the registration's replay guard. */
  async verifyChallenge(token: string): Promise<number> {
    const payload = await this.verify(token, "challenge");
    if (typeof payload.iat_ms !== "number") throw new TokenError("invalid registration challenge", "invalid");
    return payload.iat_ms;
  }

  async issueJobToken(grant: JobGrant): Promise<string> {
    return (await this.sign("job", grant.jobId, this.jobTokenTtlSeconds, { node: grant.nodeId, attempt: grant.attempt })).token;
  }

  /** The grant of a job token, checked to be for this job and node. */
  async verifyJobToken(token: string, jobId: string, nodeId: string): Promise<JobGrant> {
    const payload = await this.verify(token, "job");
    if (payload.sub !== jobId || payload.node !== nodeId || typeof payload.attempt !== "number") {
      throw new TokenError("job token is for another job or node", "foreign");
    }
    return { jobId, nodeId, attempt: payload.attempt };
  }

  issueAccessToken(userId: string): Promise<{ token: string; expiresAt: Date }> {
    return this.sign("user", userId, this.accessTokenTtlSeconds);
  }

  /** The user id the access token was issued to. */
  async verifyAccessToken(token: string): Promise<string> {
    return (await this.verify(token, "user")).sub as string;
  }

  issueWalletChallenge(walletAddress: string): Promise<{ token: string; expiresAt: Date }> {
    return this.sign("wallet", walletAddress, CHALLENGE_TTL_SECONDS, { iat_ms: Date.now() });
  }

  /** When the challenge for this wallet was issued (ms), the sign-in's replay guard. */
  async verifyWalletChallenge(token: string, walletAddress: string): Promise<number> {
    const payload = await this.verify(token, "wallet");
    if (payload.sub !== walletAddress || typeof payload.iat_ms !== "number") throw new TokenError("wallet challenge is for another wallet", "invalid");
    return payload.iat_ms;
  }

  /** The capability token of a job submitted without credentials (capability.ts), and its hash: the same for a job id on every instance. */
  jobCapability(jobId: string): { token: string; hash: string } {
    return derivedCapability("job", this.key, jobId);
  }

  private async sign(typ: TokenType, subject: string, ttlSeconds: number, claims: JWTPayload = {}): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const token = await new SignJWT({ ...claims, typ })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(subject)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  private async verify(token: string, typ: TokenType): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ["HS256"] });
      if (payload.typ !== typ || typeof payload.sub !== "string") throw new TokenError(`not a ${LABEL[typ]} token`, "invalid");
      return payload;
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenError(EXPIRED[typ], "expired");
      throw new TokenError(`invalid ${LABEL[typ]} token`, "invalid");
    }
  }
}
