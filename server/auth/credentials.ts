import { createContextKey, type HandlerContext, type Interceptor } from "@connectrpc/connect";
import type { ServerContext } from "../context";
import { unauthenticated } from "../rpc/errors";
import { nodeFromAuthorization, requireClaimedNode } from "./node-auth";
import { callerFrom, type Caller } from "./user-auth";

/**
 * Who a request comes from, as its authorization header proves: a user (access token or API
 * key), a node (session token), or no one. Each is resolved at most once per request, and only
 * when a handler asks — most calls carry one kind of credential and need only that one — and a
 * credential that does not verify fails the handler that asks for it, never the request as a whole.
 */
export interface Credentials {
  /** The signed-in user or program; undefined when the request is anonymous. UNAUTHENTICATED when the header names no one. */
  user(): Promise<Caller | undefined>;
  /** The node the session token was issued to, which must be `claimedNodeId` when one is named (see node-auth.ts for the codes). */
  node(claimedNodeId?: string): Promise<string>;
}

type AuthContext = Pick<ServerContext, "users" | "tokens">;

/** The credentials an authorization header carries (REST handlers build them per request too). */
export function credentialsFrom(ctx: AuthContext, authorization: string | null | undefined): Credentials {
  let user: Promise<Caller | undefined> | undefined;
  let node: Promise<string> | undefined;
  return {
    user: () => (user ??= callerFrom(ctx, authorization)),
    async node(claimedNodeId = "") {
      return requireClaimedNode(await (node ??= nodeFromAuthorization(ctx.tokens, authorization)), claimedNodeId);
    },
  };
}

const credentialsKey = createContextKey<Credentials | undefined>(undefined, { description: "the request's credentials (authInterceptor)" });

/** The one place RPCs learn who calls: every service is registered behind it (rpc/routes.ts). */
export function authInterceptor(ctx: AuthContext): Interceptor {
  return (next) => (req) => {
    req.contextValues.set(credentialsKey, credentialsFrom(ctx, req.header.get("authorization")));
    return next(req);
  };
}

export function credentialsOf(hctx: HandlerContext): Credentials {
  const credentials = hctx.values.get(credentialsKey);
  // A programming error, not a caller's: a service registered without the interceptor.
  if (!credentials) throw new Error("no credentials in the handler context: register services through rpc/routes.ts");
  return credentials;
}

/** The calling user or program; undefined when anonymous. */
export function callerOf(hctx: HandlerContext): Promise<Caller | undefined> {
  return credentialsOf(hctx).user();
}

/** The calling user or program; UNAUTHENTICATED when anonymous. */
export function signedInCallerOf(hctx: HandlerContext): Promise<Caller> {
  return signedIn(credentialsOf(hctx));
}

/** The user or program the credentials name; UNAUTHENTICATED when anonymous (REST handlers' signedInCallerOf). */
export async function signedIn(credentials: Credentials): Promise<Caller> {
  const caller = await credentials.user();
  if (!caller) throw unauthenticated('sign in first: send "authorization: Bearer <access token or API key>"');
  return caller;
}

/**
 * The one rule for adding work or data (SubmitJob, dataset uploads): whoever calls, signed in or
 * anonymous, unless the server takes them from signed-in users only (CYXWIZ_REQUIRE_AUTH=1).
 */
export async function submitterOf(credentials: Credentials, requireAuth: boolean, what: string): Promise<Caller | undefined> {
  const caller = await credentials.user();
  if (!caller && requireAuth) throw unauthenticated(`this server takes ${what} from signed-in users only: send "authorization: Bearer <access token or API key>"`);
  return caller;
}

/** The calling node, which must be the one the request names. */
export function nodeOf(hctx: HandlerContext, claimedNodeId: string): Promise<string> {
  return credentialsOf(hctx).node(claimedNodeId);
}
