import { createContextKey, type HandlerContext, type Interceptor } from "@connectrpc/connect";
import type { ServerContext } from "../context";
import { unauthenticated } from "../rpc/errors";
import { capabilityHashes, capabilityHeader, type Access, type CapabilityKind } from "./capability";
import { nodeFromAuthorization, requireClaimedNode } from "./node-auth";
import { callerFrom, type Caller } from "./user-auth";

/**
 * Who a request comes from, as its authorization header proves: a user (access token or API
 * key), a node (session token), or no one; and the capability tokens it holds (a graph's token
 * header), which stand for no one but open what they were handed out for. Each is resolved at most once per request, and only
 * when a handler asks — most calls carry one kind of credential and need only that one — and a
 * credential that does not verify fails the handler that asks for it, never the request as a whole.
 */
export interface Credentials {
  /** The signed-in user or program; undefined when the request is anonymous. UNAUTHENTICATED when the header names no one. */
  user(): Promise<Caller | undefined>;
  /** The node the session token was issued to, which must be `claimedNodeId` when one is named (see node-auth.ts for the codes). */
  node(claimedNodeId?: string): Promise<string>;
  /** The hashes of the capability tokens of this kind sent (see capability.ts); UNAUTHENTICATED when one is not of that kind. */
  capabilities(kind: CapabilityKind): string[];
}

type AuthContext = Pick<ServerContext, "users" | "tokens">;

/**
 * The credentials an authorization header carries, and the capability headers `header` reads
 * (REST handlers build them per request too).
 */
export function credentialsFrom(ctx: AuthContext, authorization: string | null | undefined, header: (name: string) => string | null = () => null): Credentials {
  let user: Promise<Caller | undefined> | undefined;
  let node: Promise<string> | undefined;
  return {
    user: () => (user ??= callerFrom(ctx, authorization)),
    async node(claimedNodeId = "") {
      return requireClaimedNode(await (node ??= nodeFromAuthorization(ctx.tokens, authorization)), claimedNodeId);
    },
    capabilities: (kind) => capabilityHashes(kind, header(capabilityHeader(kind))),
  };
}

const credentialsKey = createContextKey<Credentials | undefined>(undefined, { description: "the request's credentials (authInterceptor)" });

/** The one place RPCs learn who calls: every service is registered behind it (rpc/routes.ts). */
export function authInterceptor(ctx: AuthContext): Interceptor {
  return (next) => (req) => {
    req.contextValues.set(
      credentialsKey,
      credentialsFrom(ctx, req.header.get("authorization"), (name) => req.header.get(name)),
    );
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
 * What a request may reach of a kind of thing: the signed-in caller's own, and the ownerless
 * ones whose capability tokens it sent. Stores match it in the statement that reads or writes.
 */
export function accessOf(hctx: HandlerContext, kind: CapabilityKind): Promise<Access> {
  return accessFrom(credentialsOf(hctx), kind);
}

/** accessOf for credentials a REST handler built. */
export async function accessFrom(credentials: Credentials, kind: CapabilityKind): Promise<Access> {
  const tokenHashes = credentials.capabilities(kind);
  const caller = await credentials.user();
  return { userId: caller?.user.id, tokenHashes };
}

/** accessOf for a call on one thing: UNAUTHENTICATED when the request carries neither credential, since it could reach nothing. */
export async function requiredAccessOf(hctx: HandlerContext, kind: CapabilityKind): Promise<Access> {
  const access = await accessOf(hctx, kind);
  if (!access.userId && access.tokenHashes.length === 0)
    throw unauthenticated(`sign in ("authorization: Bearer <access token or API key>"), or send the ${kind}'s token in "${capabilityHeader(kind)}"`);
  return access;
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
