import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { loadOrCreateKeypairFile } from "../server/chain/keypair-file";
import { SERVER_NODE_FLAGS } from "../server/node-flags";
import { ensureEngineBuild } from "./engine-build";

/**
 * `npm start`: the whole platform on one machine with the embedded defaults — central server
 * (PGlite in ./data, in-memory event bus), the Engine on :3000 and one local compute node, paid into
 * its development wallet (data/wallets/local-node-<n>.json).
 * DATABASE_URL / REDIS_URL switch the server to PostgreSQL / Redis; CYXWIZ_LOCAL_WORKERS=0 starts
 * no local node.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ENGINE_PORT = Number(process.env.PORT ?? 3000);
const LOCAL_WORKERS = Number(process.env.CYXWIZ_LOCAL_WORKERS ?? 1);
// Where the server keeps its data (it resolves CYXWIZ_DATA_DIR from the same working directory).
const DATA_DIR = path.resolve(ROOT, process.env.CYXWIZ_DATA_DIR ?? "data");
const children: ChildProcess[] = [];

function run(label: string, args: string[], env: Record<string, string> = {}, onLine?: (line: string) => void): ChildProcess {
  const child = spawn(args[0] as string, args.slice(1), { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream as NodeJS.ReadableStream }).on("line", (line) => {
      onLine?.(line);
      console.log(`[${label}] ${pretty(line)}`);
    });
  }
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[${label}] exited (${signal ?? code}); stopping the platform`);
      void stop(1);
    }
  });
  return child;
}

/** JSON log lines as "level message key=value", everything else as is. */
function pretty(line: string): string {
  if (!line.startsWith("{")) return line;
  try {
    const { msg, level, time: _t, pid: _p, name: _n, hostname: _h, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const lvl = typeof level === "number" ? (({ 30: "", 40: "WARN ", 50: "ERROR ", 60: "FATAL " } as Record<number, string>)[level] ?? "") : level === "info" ? "" : `${String(level).toUpperCase()} `;
    const extra = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
    return [`${lvl}${String(msg)}`, ...extra].join("  ");
  } catch {
    return line;
  }
}

let stopping = false;
async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.filter((c) => c.exitCode === null).map((c) => new Promise((r) => c.once("exit", r))));
  process.exit(code);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());

ensureEngineBuild();
// The chain is ready (and named) before the server listens: its log line comes first.
let chain = "payments off (CYXWIZ_PAYMENTS=off): every job is free";
const serverUrls = await new Promise<{ rpcUrl: string; httpUrl: string }>((resolve) => {
  run("server", [process.execPath, ...SERVER_NODE_FLAGS, "--import", "tsx", "server/main.ts"], {}, (line) => {
    if (line.includes('"payments ready')) {
      const entry = JSON.parse(line) as { rpcUrl: string; embedded: boolean };
      chain = entry.embedded ? `${entry.rpcUrl}   (embedded; development SOL: npx cyxwiz wallet airdrop 1 --wallet me.json)` : entry.rpcUrl;
    }
    if (!line.includes('"listening"')) return;
    const entry = JSON.parse(line) as { rpcUrl: string; httpUrl: string };
    resolve(entry);
  });
});
const engineUrl = `http://localhost:${ENGINE_PORT}`;
await new Promise<void>((resolve) => {
  run("engine", [path.join(ROOT, "node_modules", ".bin", "next"), "start", "-p", String(ENGINE_PORT)], {}, (line) => {
    if (/Ready in/.test(line)) resolve();
  });
});
for (let i = 0; i < LOCAL_WORKERS; i++) {
  // Each local node is paid into a development wallet of its own, kept with the data, so a paid job
  // trains out of the box; receiving needs no funds (a release to a fresh wallet covers its rent).
  const wallet = path.join(DATA_DIR, "wallets", `local-node-${i + 1}.json`);
  await loadOrCreateKeypairFile(wallet);
  run(`worker${LOCAL_WORKERS > 1 ? i + 1 : ""}`, [
    process.execPath,
    "--import",
    "tsx",
    "worker/main.ts",
    "--server",
    serverUrls.rpcUrl,
    "--engine",
    engineUrl,
    "--name",
    `local-${i + 1}`,
    "--wallet",
    wallet,
  ]);
}

console.log(`
  CyxWiz is running
    Engine       ${engineUrl}
    Volunteer    ${engineUrl}/worker   (open it in any browser tab to add a compute node)
    API          ${serverUrls.rpcUrl}   (gRPC, gRPC-Web and Connect)
    REST         ${serverUrls.httpUrl}/api/v1/health
    Solana       ${chain}
    Local nodes  ${LOCAL_WORKERS}
  Press Ctrl-C to stop.
`);
