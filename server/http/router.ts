import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { connectNodeAdapter } from "@connectrpc/connect-node";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface HttpRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Readable;
}

export interface HttpResult {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised when it is neither bytes, text nor a stream. */
  body?: unknown;
}

export type Handler = (req: HttpRequest) => Promise<HttpResult>;

/** HTTP/1.1 and HTTP/2 requests alike (the RPC port hands non-RPC paths over in either). */
export type NodeRequest = Parameters<ReturnType<typeof connectNodeAdapter>>[0];
export type NodeResponse = Parameters<ReturnType<typeof connectNodeAdapter>>[1];

export const json = (body: unknown, status = 200): HttpResult => ({ status, body });
export const httpError = (status: number, code: string, message: string): HttpResult => ({ status, body: { error: { code, message } } });

/** The whole body, or undefined as soon as it passes limit bytes (leaving the loop stops the upload there). */
export async function readBody(body: Readable, limit: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/** Path patterns like /api/v1/jobs/:id; handlers are plain async functions of a request. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | "method_not_allowed" | undefined {
    const parts = path.split("/").filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = route.segments.every((seg, i) => {
        const part = parts[i] as string;
        if (seg.startsWith(":")) return ((params[seg.slice(1)] = decodeURIComponent(part)), true);
        return seg === part;
      });
      if (!ok) continue;
      pathMatched = true;
      if (route.method === method || (method === "HEAD" && route.method === "GET")) return { handler: route.handler, params };
    }
    return pathMatched ? "method_not_allowed" : undefined;
  }

  /** Serves a Node request; errors become JSON with a 500 and are passed to onError. */
  async serve(req: NodeRequest, res: NodeResponse, onError: (error: unknown) => void): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    const found = this.match(method, url.pathname);
    let result: HttpResult;
    try {
      if (found === undefined) result = httpError(404, "not_found", `no route for ${url.pathname}`);
      else if (found === "method_not_allowed") result = httpError(405, "method_not_allowed", `${method} is not allowed on ${url.pathname}`);
      else result = await found.handler({ method, path: url.pathname, params: found.params, query: url.searchParams, headers: req.headers, body: req as Readable });
    } catch (error) {
      onError(error);
      result = httpError(500, "internal", "internal server error");
    }
    await send(res, result, method === "HEAD");
  }
}

async function send(res: NodeResponse, result: HttpResult, headOnly: boolean): Promise<void> {
  const { body } = result;
  const headers = { ...result.headers };
  let payload: Readable | Buffer | undefined;
  if (body instanceof Readable) payload = body;
  else if (body instanceof Uint8Array) payload = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  else if (typeof body === "string") payload = Buffer.from(body);
  else if (body !== undefined) {
    payload = Buffer.from(JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v)));
    headers["content-type"] ??= "application/json; charset=utf-8";
  }
  if (Buffer.isBuffer(payload)) headers["content-length"] ??= String(payload.length);
  (res as ServerResponse).writeHead(result.status, headers);
  if (headOnly || payload === undefined) {
    if (payload instanceof Readable) payload.destroy();
    res.end();
    return;
  }
  if (Buffer.isBuffer(payload)) res.end(payload);
  else await pipeline(payload, res).catch(() => res.destroy());
}
