import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

export interface InferenceEndpoint {
  url: string;
  close(): Promise<void>;
}

const FORWARDED_HEADERS = ["authorization", "content-type", "accept", "x-request-id"];

/**
 * The host's OpenAI-compatible API (port 8000 by default): /v1/* answered through the central
 * gateway, which checks the key and routes to the node serving the model (this host's pages
 * among them). Responses stream through as they come, server-sent events included.
 */
export async function startInferenceEndpoint(options: { port: number; host?: string; serverUrl: string }): Promise<InferenceEndpoint> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://host");
      if (!url.pathname.startsWith("/v1/")) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "only /v1/* is served here", type: "invalid_request_error" } }));
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_HEADERS) {
        const value = req.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      try {
        const hasBody = req.method !== "GET" && req.method !== "HEAD";
        const upstream = await fetch(new URL(url.pathname + url.search, options.serverUrl), {
          method: req.method,
          headers,
          body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
          ...(hasBody ? { duplex: "half" } : {}),
        } as RequestInit);
        const out: Record<string, string> = {};
        upstream.headers.forEach((value, name) => {
          if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(name)) out[name] = value;
        });
        res.writeHead(upstream.status, out);
        if (upstream.body) await pipeline(Readable.fromWeb(upstream.body as WebReadableStream), res);
        else res.end();
      } catch (error) {
        if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: `the central server could not be reached: ${(error as Error).message}`, type: "server_error" } }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
