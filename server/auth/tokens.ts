import { errors, jwtVerify, SignJWT } from "jose";

export class TokenError extends Error {
  constructor(
    message: string,
    readonly reason: "expired" | "invalid",
  ) {
    super(message);
  }
}

const ISSUER = "cyxwiz-central";

/**
 * Node session tokens: HS256 JWTs bound to one node id, with an enforced expiry. Every server
 * instance shares the key (from the database or configuration), so any of them can check any
 * token.
 */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issueNodeToken(nodeId: string): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    const token = await new SignJWT({ typ: "node" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(nodeId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  /** The node id the token was issued to. */
  async verifyNodeToken(token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ["HS256"] });
      if (payload.typ !== "node" || typeof payload.sub !== "string") throw new TokenError("not a node session token", "invalid");
      return payload.sub;
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenError("session token expired; register again", "expired");
      throw new TokenError("invalid session token", "invalid");
    }
  }
}
