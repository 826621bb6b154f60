import { spawn, type ChildProcess } from "node:child_process";
import readline from "node:readline";
import { REPO_ROOT } from "./server-process";

export interface ChainProcess {
  url: string;
  process: ChildProcess;
  /** SIGTERM and wait: the chain writes its snapshot. */
  stop(): Promise<void>;
  /** SIGKILL and wait: no snapshot, only what the journal holds survives. */
  kill(): Promise<void>;
}

/** Starts the embedded chain as a process of its own (`server/chain/main.ts`), reachable only by its URL, as a cluster is. */
export async function startChainProcess(dir: string): Promise<ChainProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/chain/main.ts", "--dir", dir, "--port", "0"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once("exit", (code) => reject(new Error(`the chain exited with ${code} before listening:\n${stderr}`)));
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  };
  return { url, process: child, stop: () => end("SIGTERM"), kill: () => end("SIGKILL") };
}
