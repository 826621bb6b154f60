import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

export interface WorkerOptions {
  server: string;
  engine: string;
  runtime: "auto" | "chromium" | "node";
  slots: number;
  chromium?: string;
  name?: string;
  /** Where the Node runtime keeps fetched datasets by hash. */
  cacheDir: string;
  /** The most the dataset cache may hold; least recently used datasets go first. */
  cacheMaxBytes: number;
  /** Where node identities (ed25519 keys) are kept, one per running node. */
  identityDir: string;
  /** The host's OpenAI-compatible API; 0: none. */
  apiPort: number;
  /** A Solana CLI keypair file: the wallet paid jobs release into; without one the host takes free jobs only. */
  wallet?: string;
}

export const WORKER_HELP = `Usage: cyxwiz worker [options]   (or: npm run worker -- [options])

Turns this machine into a CyxWiz compute node.

Options:
  --server URL     central server (default $CYXWIZ_SERVER_URL or http://localhost:50051)
  --engine URL     Engine serving the worker page (default $CYXWIZ_ENGINE_URL, or the server's host on port 3000)
  --runtime KIND   chromium: headless Chromium on the worker page (WebGPU where the machine has it)
                   node: train inside this process on tfjs's wasm backend
                   auto (default): chromium when one is installed, else node
  --slots N        worker pages to run in Chromium (default 1)
  --chromium PATH  Chromium or Chrome executable (default $CHROMIUM_PATH, then the usual places)
  --name NAME      name shown for this node
  --cache-dir DIR  where datasets are kept between jobs (default $CYXWIZ_CACHE_DIR or ~/.cache/cyxwiz)
  --cache-max-gb N the most that cache may hold, least recently used first out (default $CYXWIZ_CACHE_MAX_GB or 10)
  --identity-dir DIR
                   where node keys are kept (default $CYXWIZ_IDENTITY_DIR or ~/.config/cyxwiz);
                   each running node (and each Chromium slot) takes the first key no other holds,
                   so a restarted host is the same node, with the same reputation
  --api-port N     the host's OpenAI-compatible API (/v1/*, through the central gateway;
                   default $CYXWIZ_NODE_API_PORT or 8000; 0 for none)
  --wallet KEYFILE the wallet this host is paid into: a Solana CLI keypair file (solana-keygen new -o KEYFILE);
                   it signs each registration, proving the address is this host's. Without one the
                   host takes free jobs only. Every node (and Chromium slot) of the host shares it
  -h, --help       this text`;

export class UsageError extends Error {}

export function parseWorkerOptions(argv: string[], env: Record<string, string | undefined> = process.env): WorkerOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: "string" },
      engine: { type: "string" },
      runtime: { type: "string", default: "auto" },
      slots: { type: "string", default: "1" },
      chromium: { type: "string" },
      name: { type: "string" },
      "cache-dir": { type: "string" },
      "cache-max-gb": { type: "string" },
      "identity-dir": { type: "string" },
      "api-port": { type: "string" },
      wallet: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return "help";
  const server = values.server ?? env.CYXWIZ_SERVER_URL ?? "http://localhost:50051";
  let serverUrl: URL;
  try {
    serverUrl = new URL(server);
  } catch {
    throw new UsageError(`--server: "${server}" is not a URL`);
  }
  const engine = values.engine ?? env.CYXWIZ_ENGINE_URL ?? `${serverUrl.protocol}//${serverUrl.hostname}:3000`;
  if (!["auto", "chromium", "node"].includes(values.runtime)) throw new UsageError(`--runtime must be auto, chromium or node, not "${values.runtime}"`);
  const slots = Number(values.slots);
  if (!Number.isInteger(slots) || slots < 1 || slots > 64) throw new UsageError("--slots must be an integer from 1 to 64");
  const cacheMaxGb = Number(values["cache-max-gb"] ?? env.CYXWIZ_CACHE_MAX_GB ?? 10);
  if (!Number.isFinite(cacheMaxGb) || cacheMaxGb <= 0) throw new UsageError("--cache-max-gb must be a positive number");
  const apiPort = Number(values["api-port"] ?? env.CYXWIZ_NODE_API_PORT ?? 8000);
  if (!Number.isInteger(apiPort) || apiPort < 0 || apiPort > 65_535) throw new UsageError("--api-port must be a port number (0 for none)");
  if (values.wallet === "") throw new UsageError("--wallet needs a keypair file");
  return {
    apiPort,
    cacheMaxBytes: Math.round(cacheMaxGb * 1024 ** 3),
    server: serverUrl.toString().replace(/\/$/, ""),
    engine: engine.replace(/\/$/, ""),
    runtime: values.runtime as WorkerOptions["runtime"],
    slots,
    chromium: values.chromium,
    name: values.name,
    wallet: values.wallet,
    cacheDir: values["cache-dir"] ?? env.CYXWIZ_CACHE_DIR ?? path.join(os.homedir(), ".cache", "cyxwiz"),
    identityDir: values["identity-dir"] ?? env.CYXWIZ_IDENTITY_DIR ?? path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), ".config"), "cyxwiz"),
  };
}

/** The volunteer page as the host opens it: its server, started without asking (the host's operator consented). */
export function workerPageUrl(options: WorkerOptions, slot = 0): string {
  const url = new URL("/worker", options.engine);
  url.searchParams.set("server", options.server);
  url.searchParams.set("autostart", "1");
  if (options.name) url.searchParams.set("name", options.slots > 1 ? `${options.name}-${slot + 1}` : options.name);
  return url.toString();
}
