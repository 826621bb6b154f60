import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeDataset, encodeDataset, type Dataset } from "../../lib/data/dataset-format";
import type { DatasetRecord } from "../../lib/data/dataset-record";

export interface DatasetServer {
  url: string;
  /** Registers a dataset: its file becomes the artifact named by its hash. */
  add(dataset: Dataset): DatasetRecord;
  /** Flips a byte of an artifact, as a damaged disk or transfer would. */
  corrupt(sha256: string): void;
  /** The files uploaded, by the name they were registered under. */
  uploads: Map<string, Uint8Array>;
  close(): Promise<void>;
}

/**
 * A stand-in for the two routes of the server the workspace's stores use, for their tests in Node:
 * `GET /artifacts/<sha256>` and `POST /api/v1/datasets?name=` (a taken name is refused with the
 * server's reason). It speaks HTTP, so the Engine's own clients (fetch, hash checks) run for real.
 */
export async function startDatasetServer(): Promise<DatasetServer> {
  const artifacts = new Map<string, Uint8Array>();
  const names = new Set<string>();
  const uploads = new Map<string, Uint8Array>();

  const register = (name: string, file: Uint8Array): DatasetRecord => {
    const sha256 = createHash("sha256").update(file).digest("hex");
    artifacts.set(sha256, file);
    names.add(name);
    return { id: sha256.slice(0, 8), name, description: "", sha256, sizeBytes: file.length, spec: { ...decodeDataset(file).spec, name }, builtin: false };
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const reply = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const file = artifacts.get(url.pathname.replace(/^\/artifacts\//, ""));
    if (req.method === "GET" && file) return void res.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.length }).end(file);
    if (req.method !== "POST" || url.pathname !== "/api/v1/datasets") return reply(404, { error: { code: "not_found", message: `no route ${url.pathname}` } });
    const name = url.searchParams.get("name") ?? "";
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (names.has(name)) return reply(409, { error: { code: "already_exists", message: `a dataset named "${name}" already exists` } });
      const file = new Uint8Array(Buffer.concat(chunks));
      uploads.set(name, file);
      reply(201, register(name, file));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    add: (dataset) => register(dataset.spec.name, encodeDataset(dataset)),
    corrupt(sha256) {
      const file = artifacts.get(sha256);
      if (file) file[file.length - 1] = (file[file.length - 1] as number) ^ 0xff;
    },
    uploads,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The browser's localStorage, kept in memory: the runs store saves finished runs in it. */
export function installMemoryStorage(): void {
  const items = new Map<string, string>();
  globalThis.localStorage ??= {
    get length() {
      return items.size;
    },
    key: (index) => [...items.keys()][index] ?? null,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
  };
}
