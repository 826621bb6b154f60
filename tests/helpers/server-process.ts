import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { SERVER_NODE_FLAGS } from "../../server/node-flags";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface ServerProcess {
  rpcUrl: string;
  httpUrl: string;
  dataDir: string;
  process: ChildProcess;
  /** Every log line the server printed, parsed. */
  logs: Record<string, unknown>[];
  /** SIGTERM and wait: a graceful shutdown. */
  stop(): Promise<void>;
}

/**
 * Starts `server/main.ts` as its own process on free ports, exactly as `npm run server` would,
 * and resolves once it logs that it is listening (so LOG_LEVEL must stay at info or below).
 */
export async function startServerProcess(env: Record<string, string> = {}, dataDir?: string): Promise<ServerProcess> {
  const dir = dataDir ?? (await mkdtemp(path.join(os.tmpdir(), "cyxwiz-server-")));
  // CYXWIZ_SERVER_NODE_ARGS adds Node flags to the server process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a benchmark's server.
  const nodeArgs = process.env.CYXWIZ_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, "--import", "tsx", "server/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, CYXWIZ_DATA_DIR: dir, CYXWIZ_RPC_PORT: "0", CYXWIZ_HTTP_PORT: "0", CYXWIZ_CHAIN_PORT: "0", CYXWIZ_HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const listening = new Promise<{ rpcUrl: string; httpUrl: string }>((resolve, reject) => {
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === "listening") resolve({ rpcUrl: entry.rpcUrl as string, httpUrl: entry.httpUrl as string });
      } catch {
        logs.push({ msg: line });
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before listening:\n${stderr}\n${logs.map((l) => JSON.stringify(l)).join("\n")}`)));
  });
  const urls = await listening;
  return {
    ...urls,
    dataDir: dir,
    process: child,
    logs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
