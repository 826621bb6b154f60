import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { generateKeyPairSigner } from "@solana/kit";
import { ChainStore } from "./chain-store";
import { EmbeddedSvm, RpcError } from "./embedded-svm";
import { loadOrCreateKeypairFile } from "./keypair-file";
import { rpcMethods, type RpcMethod } from "./rpc-methods";

export interface EmbeddedChainOptions {
  /** Where the chain keeps its state and its faucet's key; none: in memory, gone when stopped. */
  dir?: string;
  host?: string;
  /** 0: any free port. */
  port?: number;
  slotMs?: number;
  /** The faucet's limit per request (default 10 SOL). */
  airdropMaxLamports?: bigint;
  snapshotEvery?: number;
}

export interface EmbeddedChain {
  /** The JSON-RPC endpoint, as SOLANA_RPC_URL would name a cluster's. */
  url: string;
  svm: EmbeddedSvm;
  /** Stops listening and writes the snapshot. */
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The embedded default cluster: LiteSVM behind a Solana JSON-RPC endpoint on the local host (HTTP
 * only: there is no WebSocket, so clients confirm by polling signature statuses, which works on any
 * cluster too). Browsers may call it (CORS), as the Engine's wallet does.
 */
export async function startEmbeddedChain(options: EmbeddedChainOptions = {}): Promise<EmbeddedChain> {
  const store = options.dir ? new ChainStore(options.dir) : undefined;
  const faucet = options.dir ? await loadOrCreateKeypairFile(path.join(options.dir, "faucet.json")) : await generateKeyPairSigner();
  const svm = new EmbeddedSvm({ store, faucet, slotMs: options.slotMs ?? 400, snapshotEvery: options.snapshotEvery });
  const methods = rpcMethods(svm, { airdropMaxLamports: options.airdropMaxLamports ?? 10_000_000_000n });
  const server = http.createServer((req, res) => void handle(methods, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(":") ? `[${address}]` : address}:${port}`,
    svm,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      svm.snapshot();
      store?.close();
    },
  };
}

async function handle(methods: Record<string, RpcMethod>, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-allow-headers", "content-type, solana-client");
  res.setHeader("access-control-allow-methods", "POST, OPTIONS");
  if (req.method === "OPTIONS") return void res.end();
  if (req.method !== "POST") {
    res.statusCode = 405;
    return void res.end("a Solana JSON-RPC endpoint: POST JSON-RPC 2.0 requests");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      res.statusCode = 413;
      return void res.end();
    }
    chunks.push(chunk as Buffer);
  }
  let request: unknown;
  try {
    request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return reply(res, { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
  }
  reply(res, Array.isArray(request) ? await Promise.all(request.map((r) => call(methods, r))) : await call(methods, request));
}

async function call(methods: Record<string, RpcMethod>, request: unknown): Promise<object> {
  const { id = null, method, params = [] } = (request ?? {}) as { id?: unknown; method?: unknown; params?: unknown };
  const f = typeof method === "string" && Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!f) return { jsonrpc: "2.0", id, error: { code: -32601, message: `Method not found: ${String(method)}` } };
  try {
    return { jsonrpc: "2.0", id, result: await f(Array.isArray(params) ? params : [params]) };
  } catch (error) {
    if (error instanceof RpcError) return { jsonrpc: "2.0", id, error: { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) } };
    return { jsonrpc: "2.0", id, error: { code: -32603, message: `Internal error: ${(error as Error).message}` } };
  }
}

/** Lamports are u64: written as bare JSON integers (as a cluster does), never rounded through a double. */
function reply(res: http.ServerResponse, value: unknown): void {
  const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `\u0000${v}\u0000` : v)).replace(/"\\u0000(-?\d+)\\u0000"/g, "$1");
  res.setHeader("content-type", "application/json");
  res.end(json);
}
