import type { Prisma } from "../db/database";
import type { ApiKey, User } from "../db/generated/client";
import { newSecret, secretHash } from "../auth/secrets";

export type UserRow = User;
export type ApiKeyRow = ApiKey;

export const DEFAULT_RATE_LIMIT = 60;

/** Users, their API keys and refresh tokens. Secrets are stored as SHA-256 only. */
export class UserStore {
  constructor(private readonly prisma: Prisma) {}

  get(id: string): Promise<UserRow | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  findByEmail(email: string): Promise<UserRow | null> {
    return this.prisma.user.findUnique({ where: { email } });
  }

  /** A new user, or undefined when the email is taken. */
  async createWithPassword(email: string, passwordHash: string, displayName: string): Promise<UserRow | undefined> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO users (email, password_hash, display_name) VALUES (${email}, ${passwordHash}, ${displayName})
      ON CONFLICT (email) DO NOTHING RETURNING id::text AS id`;
    return rows[0] ? ((await this.get(rows[0].id)) ?? undefined) : undefined;
  }

  /**
   * The wallet's user (created on its first sign-in), provided this challenge is newer than any
   * the wallet signed before: undefined for a replayed sign-in.
   */
  async signInWallet(walletAddress: string, challengeIssuedMs: number): Promise<UserRow | undefined> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO users (wallet_address, display_name, last_wallet_challenge_ms)
      VALUES (${walletAddress}, ${`${walletAddress.slice(0, 4)}…${walletAddress.slice(-4)}`}, ${challengeIssuedMs})
      ON CONFLICT (wallet_address) DO UPDATE SET last_wallet_challenge_ms = EXCLUDED.last_wallet_challenge_ms
      WHERE users.last_wallet_challenge_ms IS NULL OR users.last_wallet_challenge_ms < EXCLUDED.last_wallet_challenge_ms
      RETURNING id::text AS id`;
    return rows[0] ? ((await this.get(rows[0].id)) ?? undefined) : undefined;
  }

  async createApiKey(userId: string, name: string, rateLimitPerMinute: number): Promise<{ key: ApiKeyRow; secret: string }> {
    const secret = newSecret("cwk_");
    const key = await this.prisma.apiKey.create({
      data: { userId, name, prefix: secret.slice(0, 12), keyHash: secretHash(secret), rateLimitPerMinute },
    });
    return { key, secret };
  }

  listApiKeys(userId: string): Promise<ApiKeyRow[]> {
    return this.prisma.apiKey.findMany({ where: { userId, revokedAt: null }, orderBy: { createdAt: "asc" } });
  }

  /** Whether the user had this key (revoking twice, or another user's key, changes nothing). */
  async revokeApiKey(userId: string, keyId: string): Promise<boolean> {
    const { count } = await this.prisma.apiKey.updateMany({ where: { id: keyId, userId, revokedAt: null }, data: { revokedAt: new Date() } });
    return count > 0;
  }

  /** The live key with this secret and its user, marking it used. */
  async useApiKey(secret: string): Promise<{ key: ApiKeyRow; user: UserRow } | undefined> {
    const key = await this.prisma.apiKey.findUnique({ where: { keyHash: secretHash(secret) }, include: { user: true } });
    if (!key || key.revokedAt) return undefined;
    await this.prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
    const { user, ...row } = key;
    return { key: row, user };
  }

  /** Counts a key's inference use. */
  async countUsage(keyId: string, tokens: number): Promise<void> {
    await this.prisma.$executeRaw`UPDATE api_keys SET requests = requests + 1, tokens = tokens + ${tokens} WHERE id = ${keyId}::uuid`;
  }

  async issueRefreshToken(userId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
    const token = newSecret("cwr_");
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    await this.prisma.refreshToken.create({ data: { userId, tokenHash: secretHash(token), expiresAt } });
    return { token, expiresAt };
  }

  /**
   * Spends a refresh token: the user it belongs to when it is live and unused. A token presented
   * a second time means it leaked (or was stolen and used first): every session of the user ends.
   */
  async spendRefreshToken(token: string): Promise<{ userId: string } | { refusal: "unknown" | "expired" | "reused" }> {
    const rows = await this.prisma.$queryRaw<{ user_id: string; expired: boolean; reused: boolean }[]>`
      WITH t AS (SELECT id, user_id, used_at, expires_at FROM refresh_tokens WHERE token_hash = ${secretHash(token)}),
      spent AS (
        UPDATE refresh_tokens r SET used_at = now() FROM t
        WHERE r.id = t.id AND t.used_at IS NULL AND t.expires_at > now()
        RETURNING r.id)
      SELECT t.user_id::text AS user_id, t.expires_at <= now() AS expired, (SELECT count(*) FROM spent) = 0 AND t.used_at IS NOT NULL AS reused FROM t`;
    const row = rows[0];
    if (!row) return { refusal: "unknown" };
    if (row.reused) {
      await this.endSessions(row.user_id);
      return { refusal: "reused" };
    }
    if (row.expired) return { refusal: "expired" };
    return { userId: row.user_id };
  }

  async revokeRefreshToken(token: string): Promise<void> {
    await this.prisma.refreshToken.updateMany({ where: { tokenHash: secretHash(token), usedAt: null }, data: { usedAt: new Date() } });
  }

  private async endSessions(userId: string): Promise<void> {
    await this.prisma.refreshToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: new Date() } });
  }
}
