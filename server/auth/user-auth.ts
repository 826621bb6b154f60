import type { ServerContext } from "../context";
import type { ApiKeyRow, UserRow } from "../users/user-store";
import { unauthenticated } from "../rpc/errors";
import { TokenError } from "./tokens";

/** Who is calling: a signed-in user (access token) or a program (API key). */
export interface Caller {
  user: UserRow;
  credential: "access_token" | "api_key";
  apiKey?: ApiKeyRow;
}

/**
 * The caller an "authorization: Bearer …" header names: an API key ("cwk_…") or an access token.
 * No header: undefined (anonymous). A header that names no one — unknown, revoked or expired —
 * is UNAUTHENTICATED, never silently anonymous.
 */
export async function callerFrom(ctx: Pick<ServerContext, "users" | "tokens">, authorization: string | null | undefined): Promise<Caller | undefined> {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match?.[1]) throw unauthenticated('authorization must be "Bearer <access token or API key>"');
  const credential = match[1];
  if (credential.startsWith("cwk_")) {
    const found = await ctx.users.useApiKey(credential);
    if (!found) throw unauthenticated("unknown or revoked API key");
    return { user: found.user, credential: "api_key", apiKey: found.key };
  }
  let userId: string;
  try {
    userId = await ctx.tokens.verifyAccessToken(credential);
  } catch (error) {
    if (error instanceof TokenError) throw unauthenticated(error.message);
    throw error;
  }
  const user = await ctx.users.get(userId);
  if (!user) throw unauthenticated("the access token's user no longer exists");
  return { user, credential: "access_token" };
}
