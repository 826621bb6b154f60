import { cors } from "@connectrpc/connect";
import type { ServerResponse } from "node:http";
import { GRAPH_TOKEN_HEADER, IDEMPOTENCY_HEADER, JOB_TOKEN_HEADER } from "../../lib/wire/headers";
import type { NodeRequest, NodeResponse } from "./router";

const ALLOW_HEADERS = [...cors.allowedHeaders, "Authorization", GRAPH_TOKEN_HEADER, JOB_TOKEN_HEADER, "X-Content-SHA256", IDEMPOTENCY_HEADER].join(", ");
const EXPOSE_HEADERS = [...cors.exposedHeaders, "X-Content-SHA256", "Content-Disposition", "X-Request-Id"].join(", ");
const ALLOW_METHODS = [...new Set([...cors.allowedMethods, "GET", "HEAD", "POST", "OPTIONS"])].join(", ");

/**
 * Lets the Engine (another origin, port 3000) and volunteer tabs on any origin call the API.
 * Credentials travel in the Authorization header (and capability tokens in their own), never in
 * cookies, so any origin is safe.
 * Returns true when the request was a preflight and has been answered.
 */
export function applyCors(req: NodeRequest, res: NodeResponse): boolean {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
  if (req.method !== "OPTIONS") return false;
  (res as ServerResponse).writeHead(204, {
    "Access-Control-Allow-Methods": ALLOW_METHODS,
    "Access-Control-Allow-Headers": ALLOW_HEADERS,
    "Access-Control-Max-Age": "7200",
  });
  res.end();
  return true;
}
