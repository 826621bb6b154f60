import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  ApiKeySchema,
  type AuthService,
  CreateApiKeyResponseSchema,
  GetWalletChallengeResponseSchema,
  ListApiKeysResponseSchema,
  RefreshTokenResponseSchema,
  RevokeApiKeyResponseSchema,
  SessionSchema,
  SignInResponseSchema,
  SignInWithApiKeyResponseSchema,
  SignInWithWalletResponseSchema,
  SignOutResponseSchema,
  SignUpResponseSchema,
  UserSchema,
  WhoAmIResponseSchema,
  type Session,
} from "../../gen/cyxwiz/v1/auth_service_pb";
import { verifySignature } from "../../lib/compute/identity";
import { base58Decode } from "../auth/base58";
import { hashPassword, verifyPassword } from "../auth/passwords";
import { TokenError } from "../auth/tokens";
import { signedInCallerOf } from "../auth/credentials";
import type { ServerContext } from "../context";
import { DEFAULT_RATE_LIMIT, type ApiKeyRow, type UserRow } from "../users/user-store";
import { invalidArgument, notFound, permissionDenied, requireUuid, unauthenticated } from "./errors";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PASSWORD = 10;
// A sign-in for an unknown email still costs one hash, so response times do not say which emails exist.
const DECOY_HASH = hashPassword("decoy password for unknown emails");

export function authService(ctx: Pick<ServerContext, "users" | "tokens" | "config" | "log">): ServiceImpl<typeof AuthService> {
  const { users, tokens } = ctx;

  const session = async (user: UserRow): Promise<Session> => {
    const access = await tokens.issueAccessToken(user.id);
    const refresh = await users.issueRefreshToken(user.id, ctx.config.refreshTokenTtlSeconds);
    return create(SessionSchema, {
      user: userMessage(user),
      accessToken: access.token,
      accessExpiresAtMs: BigInt(access.expiresAt.getTime()),
      refreshToken: refresh.token,
      refreshExpiresAtMs: BigInt(refresh.expiresAt.getTime()),
    });
  };

  return {
    async signUp(req) {
      const email = req.email.trim().toLowerCase();
      if (!EMAIL.test(email) || email.length > 254) throw invalidArgument("email", "must be an email address");
      if (req.password.length < MIN_PASSWORD) throw invalidArgument("password", `must be at least ${MIN_PASSWORD} characters`);
      if (req.password.length > 200) throw invalidArgument("password", "must be at most 200 characters");
      const displayName = req.displayName.trim() || email.split("@")[0] || email;
      if (displayName.length > 100) throw invalidArgument("display_name", "must be at most 100 characters");
      const user = await users.createWithPassword(email, await hashPassword(req.password), displayName);
      if (!user) throw new ConnectError(`email: ${email} already has an account; sign in instead`, Code.AlreadyExists);
      ctx.log.info({ userId: user.id }, "user signed up");
      return create(SignUpResponseSchema, { session: await session(user) });
    },

    async signIn(req) {
      const user = await users.findByEmail(req.email.trim().toLowerCase());
      const matches = await verifyPassword(req.password, user?.passwordHash ?? (await DECOY_HASH));
      if (!user?.passwordHash || !matches) throw unauthenticated("the email or the password is wrong");
      return create(SignInResponseSchema, { session: await session(user) });
    },

    async signInWithApiKey(req) {
      const found = req.apiKey.startsWith("cwk_") ? await users.useApiKey(req.apiKey) : undefined;
      if (!found) throw unauthenticated("api_key: unknown or revoked");
      return create(SignInWithApiKeyResponseSchema, { session: await session(found.user) });
    },

    async getWalletChallenge(req) {
      const wallet = requireWallet(req.walletAddress);
      const { token, expiresAt } = await tokens.issueWalletChallenge(wallet);
      return create(GetWalletChallengeResponseSchema, { message: walletMessage(wallet, token), expiresAtMs: BigInt(expiresAt.getTime()) });
    },

    async signInWithWallet(req) {
      const wallet = requireWallet(req.walletAddress);
      const challenge = /\nChallenge: (\S+)$/.exec(req.message)?.[1];
      if (!challenge || req.message !== walletMessage(wallet, challenge)) throw invalidArgument("message", "must be the message GetWalletChallenge returned, unchanged");
      let issuedMs: number;
      try {
        issuedMs = await tokens.verifyWalletChallenge(challenge, wallet);
      } catch (error) {
        if (error instanceof TokenError) throw permissionDenied(`message: ${error.message}`);
        throw error;
      }
      const publicKey = Buffer.from(base58Decode(wallet) as Uint8Array).toString("base64");
      if (!(await verifySignature(publicKey, new TextEncoder().encode(req.message), req.signature))) {
        throw permissionDenied("signature: not the wallet's signature of the message");
      }
      const user = await users.signInWallet(wallet, issuedMs);
      if (!user) throw permissionDenied("message: this challenge was already used; ask for a new one");
      return create(SignInWithWalletResponseSchema, { session: await session(user) });
    },

    async refreshToken(req) {
      const spent = await users.spendRefreshToken(req.refreshToken);
      if ("refusal" in spent) {
        if (spent.refusal === "reused") ctx.log.warn("a used refresh token was presented again; the user's sessions were ended");
        throw unauthenticated(
          spent.refusal === "expired"
            ? "refresh_token: expired; sign in again"
            : spent.refusal === "reused"
              ? "refresh_token: already used, so every session of this user was ended; sign in again"
              : "refresh_token: unknown",
        );
      }
      const user = await users.get(spent.userId);
      if (!user) throw unauthenticated("refresh_token: the user no longer exists");
      return create(RefreshTokenResponseSchema, { session: await session(user) });
    },

    async signOut(req) {
      await users.revokeRefreshToken(req.refreshToken);
      return create(SignOutResponseSchema, {});
    },

    async whoAmI(_req, hctx) {
      const { user, credential } = await signedInCallerOf(hctx);
      return create(WhoAmIResponseSchema, { user: userMessage(user), credential });
    },

    async createApiKey(req, hctx) {
      const { user } = await signedInCallerOf(hctx);
      const name = req.name.trim();
      if (!name || name.length > 100) throw invalidArgument("name", "must be 1 to 100 characters");
      if (req.rateLimitPerMinute > 100_000) throw invalidArgument("rate_limit_per_minute", "must be at most 100000");
      const { key, secret } = await users.createApiKey(user.id, name, req.rateLimitPerMinute || DEFAULT_RATE_LIMIT);
      return create(CreateApiKeyResponseSchema, { key: apiKeyMessage(key), apiKey: secret });
    },

    async listApiKeys(_req, hctx) {
      const { user } = await signedInCallerOf(hctx);
      return create(ListApiKeysResponseSchema, { keys: (await users.listApiKeys(user.id)).map(apiKeyMessage) });
    },

    async revokeApiKey(req, hctx) {
      const { user } = await signedInCallerOf(hctx);
      const keyId = requireUuid(req.keyId, "key_id");
      if (!(await users.revokeApiKey(user.id, keyId))) throw notFound(`key_id: you have no live API key ${keyId}`);
      return create(RevokeApiKeyResponseSchema, {});
    },
  };
}

/** The text a wallet signs: says what it is for, names the wallet, carries the challenge. */
export function walletMessage(wallet: string, challenge: string): string {
  return `Sign in to CyxWiz with wallet ${wallet}.\nThis costs nothing and authorizes no transaction.\nChallenge: ${challenge}`;
}

function requireWallet(address: string): string {
  const key = base58Decode(address);
  if (!key || key.length !== 32) throw invalidArgument("wallet_address", "must be a base58 Solana address (a 32-byte ed25519 public key)");
  return address;
}

function userMessage(user: UserRow) {
  return create(UserSchema, {
    userId: user.id,
    email: user.email ?? "",
    displayName: user.displayName,
    walletAddress: user.walletAddress ?? "",
    createdAtMs: BigInt(user.createdAt.getTime()),
  });
}

function apiKeyMessage(key: ApiKeyRow) {
  return create(ApiKeySchema, {
    keyId: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAtMs: BigInt(key.createdAt.getTime()),
    lastUsedAtMs: BigInt(key.lastUsedAt?.getTime() ?? 0),
    rateLimitPerMinute: key.rateLimitPerMinute,
    requests: key.requests,
    tokens: key.tokens,
  });
}
