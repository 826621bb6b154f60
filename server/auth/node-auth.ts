import type { HandlerContext } from "@connectrpc/connect";
import { permissionDenied, unauthenticated } from "../rpc/errors";
import { TokenError, type TokenService } from "./tokens";

/**
 * The node a call comes from, proven by its session token. A call that names a node_id must
 * name the token's own node. Missing token: UNAUTHENTICATED; a bad, expired or borrowed one:
 * PERMISSION_DENIED.
 */
export function authenticateNode(tokens: TokenService, hctx: HandlerContext, claimedNodeId: string): Promise<string> {
  return nodeFromAuthorization(tokens, hctx.requestHeader.get("authorization"), claimedNodeId);
}

/** The same check for plain HTTP endpoints (artifact uploads), from the raw header. */
export async function nodeFromAuthorization(tokens: TokenService, authorization: string | null | undefined, claimedNodeId = ""): Promise<string> {
  const header = authorization ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthenticated("missing session token (authorization: Bearer <session_token>)");
  let nodeId: string;
  try {
    nodeId = await tokens.verifyNodeToken(match[1]);
  } catch (error) {
    if (error instanceof TokenError) throw permissionDenied(error.message);
    throw error;
  }
  if (claimedNodeId && claimedNodeId.toLowerCase() !== nodeId) throw permissionDenied("node_id does not match the session token");
  return nodeId;
}
