import type { NodeWallet } from "../lib/compute/identity";
import { runChromiumHost } from "./chromium-host";
import { findChromium } from "./find-chromium";
import { diskContentStore } from "./disk-store";
import { claimIdentity } from "./identity-file";
import { startInferenceEndpoint } from "./inference-endpoint";
import { createNodeAgent } from "./node-runtime";
import { parseWorkerOptions, UsageError, WORKER_HELP, workerPageUrl, type WorkerOptions } from "./options";
import { readWalletFile } from "./wallet-file";

type Level = "info" | "warn" | "error";

/** Structured log lines on stdout, one JSON object each. */
function log(level: Level, msg: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), level, name: "cyxwiz-worker", msg, ...extra }));
}

export async function runWorker(options: WorkerOptions, signal: AbortSignal): Promise<void> {
  // Read first: an unusable key file is a usage error, before anything starts.
  const wallet = options.wallet ? await readWalletFile(options.wallet) : undefined;
  const api = await serveApi(options);
  try {
    await runNode(options, wallet, signal);
  } finally {
    await api?.close();
  }
}

/** The host's /v1 API; a port already taken (another host on this machine) is reported, not fatal. */
async function serveApi(options: WorkerOptions) {
  if (options.apiPort === 0) return undefined;
  try {
    const endpoint = await startInferenceEndpoint({ port: options.apiPort, serverUrl: options.server });
    log("info", "OpenAI-compatible API", { url: `${endpoint.url}/v1` });
    return endpoint;
  } catch (error) {
    log("warn", `no API on port ${options.apiPort}: ${(error as Error).message}`);
    return undefined;
  }
}

async function runNode(options: WorkerOptions, wallet: NodeWallet | undefined, signal: AbortSignal): Promise<void> {
  if (wallet) log("info", "wallet: paid jobs release into it", { wallet: wallet.address, file: options.wallet });
  else log("warn", "no --wallet: this host takes free jobs only");
  const chromiumPath = options.runtime === "node" ? undefined : findChromium(options.chromium);
  if (options.runtime === "chromium" && !chromiumPath) throw new UsageError("no Chromium found: install it (apt-get install chromium) or pass --chromium PATH");
  if (chromiumPath) {
    log("info", "starting headless Chromium compute node", { server: options.server, engine: options.engine, slots: options.slots });
    const identities = await Promise.all(Array.from({ length: options.slots }, () => claimIdentity(options.identityDir)));
    try {
      log("info", "node identities", { keys: identities.map((c) => c.file) });
      await runChromiumHost({ executablePath: chromiumPath, pageUrl: workerPageUrl(options), identities: identities.map((c) => c.identity), wallet, log, signal });
    } finally {
      await Promise.all(identities.map((c) => c.release()));
    }
    return;
  }
  const why = options.runtime === "node" ? "--runtime node" : "no Chromium found";
  log("warn", `${why}: training in this Node process on tfjs's wasm backend (no WebGPU)`, { server: options.server });
  const claimed = await claimIdentity(options.identityDir);
  log("info", "node identity", { key: claimed.file, publicKey: claimed.identity.publicKey });
  const agent = createNodeAgent(options.server, { name: options.name, store: diskContentStore(options.cacheDir, options.cacheMaxBytes), identity: claimed.identity, wallet });
  let lastSeq = 0;
  agent.onChange((state) => {
    for (const entry of state.log.filter((e) => e.seq > lastSeq)) log(entry.level, entry.message, { nodeId: state.nodeId });
    lastSeq = state.log.at(-1)?.seq ?? lastSeq;
  });
  signal.addEventListener("abort", () => void agent.stop(), { once: true });
  try {
    await agent.run();
  } finally {
    await claimed.release();
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isMain) {
  try {
    const options = parseWorkerOptions(process.argv.slice(2));
    if (options === "help") {
      console.log(WORKER_HELP);
    } else {
      const controller = new AbortController();
      for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => controller.abort());
      await runWorker(options, controller.signal);
    }
  } catch (error) {
    console.error(error instanceof UsageError ? `cyxwiz worker: ${error.message}\n\n${WORKER_HELP}` : error);
    process.exit(1);
  }
}
