import { timestampDate } from "@bufbuild/protobuf/wkt";
import { spawn, type ChildProcess } from "node:child_process";
import { JobStatus } from "../gen/cyxwiz/v1/job_pb";
import { mlpDigits } from "../lib/graph/templates/mlp-digits";
import type { ModelGraph } from "../lib/graph/types";
import type { Hyperparameters } from "../lib/job/hyperparameters";
import { tf } from "../lib/train/runtime-tf";
import { disposeModel, trainGraph } from "../lib/train/train-loop";
import { decodeDataset } from "../lib/data/dataset-format";
import { connectClients } from "../tests/helpers/clients";
import { fetchDataset } from "../tests/helpers/evaluate";
import { REPO_ROOT, startServerProcess } from "../tests/helpers/server-process";
import { ensureEngineBuild } from "../scripts/engine-build";
import { findChromium } from "../worker/find-chromium";
import type { Benchmark } from "./run";
import { median } from "./stats";

const RUNS = 3;
const HYPERPARAMETERS: Hyperparameters = { epochs: 3, batchSize: 64, learningRate: 0.001, optimizer: "adam", validationSplit: 0.1, seed: 1234 };

export interface PlatformRun {
  submit_to_assigned_ms: number;
  submit_to_first_progress_ms: number;
  submit_to_completed_ms: number;
}

/**
 * The digits MLP through the real platform — a server process, a compute node, Connect over
 * HTTP — against the same training alone in this process (same backend, seed and settings).
 * Measured first with a Node worker process, then, where Chromium exists, with the headless
 * browser worker that `npm start` runs.
 */
export const e2eBenchmark: Benchmark = {
  name: "e2e",
  description: "digits MLP (3 epochs) submitted through the platform vs. the same training alone",
  async run(log) {
    const server = await startServerProcess({ DATABASE_URL: "pglite:memory" });
    const children: ChildProcess[] = [];
    const spawnChild = (args: string[], env: Record<string, string> = {}) => {
      const child = spawn(args[0] as string, args.slice(1), { cwd: REPO_ROOT, stdio: "ignore", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
      children.push(child);
      return child;
    };
    try {
      const clients = connectClients(server.rpcUrl);
      log("Node worker (tfjs wasm in a worker process)");
      const nodeWorker = spawnNodeWorker(server.rpcUrl);
      children.push(nodeWorker);
      const node = await measurePlatform(clients, log);
      nodeWorker.kill("SIGTERM");

      const dataset = decodeDataset(await fetchDataset(server.httpUrl, "mnist-digits"));
      await tf.setBackend("wasm");
      const pure: number[] = [];
      for (let i = 0; i <= RUNS; i++) {
        const started = performance.now();
        const result = await trainGraph({ tf, graph: mlpDigits.graph, hyperparameters: HYPERPARAMETERS, dataset });
        disposeModel(result.model);
        if (i > 0) pure.push(performance.now() - started);
        log(`${i === 0 ? "warm-up" : `pure run ${i}`}: ${Math.round(performance.now() - started)} ms`);
      }
      const pureMs = Math.round(median(pure));
      const ratio = (m: Medians) => Number((m.submit_to_completed_ms / pureMs).toFixed(3));
      const result: Record<string, unknown> = {
        runtime: "worker process on tfjs wasm (Node); reference: trainGraph in the benchmark process, same backend and seed",
        model: "mlp-digits",
        hyperparameters: HYPERPARAMETERS,
        runs: RUNS,
        ...node.medians,
        pure_training_ms: pureMs,
        overhead_ratio: ratio(node.medians),
        platform_runs: node.runs,
        pure_runs_ms: pure.map(Math.round),
      };

      const chromiumPath = findChromium();
      if (chromiumPath) {
        log("browser worker (headless Chromium on the /worker page, training in a Web Worker)");
        ensureEngineBuild(log);
        const enginePort = 3_000 + Math.floor(Math.random() * 900) + 50;
        spawnChild([`${REPO_ROOT}/node_modules/.bin/next`, "start", "-p", String(enginePort), "-H", "127.0.0.1"], { CYXWIZ_PUBLIC_SERVER_URL: server.rpcUrl });
        spawnChild([process.execPath, "--import", "tsx", "worker/main.ts", "--runtime", "chromium", "--server", server.rpcUrl, "--engine", `http://127.0.0.1:${enginePort}`]);
        const browser = await measurePlatform(clients, log);
        result.browser = {
          runtime: "headless Chromium worker page; the probe picks its backend (wasm on this machine)",
          ...browser.medians,
          overhead_ratio_vs_node_pure: ratio(browser.medians),
          platform_runs: browser.runs,
        };
      }
      log(
        `result: ${JSON.stringify({ ...node.medians, pure_training_ms: pureMs, overhead_ratio: result.overhead_ratio, browser: result.browser ? ratio(result.browser as { submit_to_completed_ms: number } & Medians) : "no chromium" })}`,
      );
      return result;
    } finally {
      for (const child of children) child.kill("SIGTERM");
      await server.stop();
    }
  },
};

type Medians = PlatformRun;

/** A compute node in its own process, training on tfjs wasm: what `npm run worker` runs without Chromium. */
export function spawnNodeWorker(serverUrl: string): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "worker/main.ts", "--runtime", "node", "--server", serverUrl], { cwd: REPO_ROOT, stdio: "ignore" });
}

/** A warm-up job, then RUNS measured jobs, on whatever node is connected. */
async function measurePlatform(clients: ReturnType<typeof connectClients>, log: (line: string) => void): Promise<{ medians: Medians; runs: PlatformRun[] }> {
  log("warm-up run through the platform");
  await platformRun(clients);
  const runs: PlatformRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await platformRun(clients));
    log(`platform run ${i + 1}: ${JSON.stringify(runs.at(-1))}`);
  }
  return {
    runs,
    medians: {
      submit_to_assigned_ms: median(runs.map((r) => r.submit_to_assigned_ms)),
      submit_to_first_progress_ms: median(runs.map((r) => r.submit_to_first_progress_ms)),
      submit_to_completed_ms: median(runs.map((r) => r.submit_to_completed_ms)),
    },
  };
}

/** Submits one job on the digits and follows it to completion; the timings are from submission. */
export async function platformRun(clients: ReturnType<typeof connectClients>, graph: ModelGraph = mlpDigits.graph, hyperparameters: Hyperparameters = HYPERPARAMETERS): Promise<PlatformRun> {
  const wallStart = Date.now();
  const start = performance.now();
  const { job } = await clients.jobs.submitJob({
    config: { name: `bench ${graph.name}`, modelDefinition: JSON.stringify(graph), datasetUri: "dataset:mnist-digits", hyperparameters },
  });
  let firstProgress = 0;
  let completed = 0;
  let assignedAt: Date | undefined;
  for await (const update of clients.jobs.watchJob({ jobId: job?.id as string })) {
    if (update.job?.assignedAt) assignedAt ??= timestampDate(update.job.assignedAt);
    if (!firstProgress && update.liveMetrics.length > 0) firstProgress = performance.now() - start;
    if (update.status === JobStatus.COMPLETED) completed = performance.now() - start;
    if (update.status === JobStatus.FAILED || update.status === JobStatus.CANCELLED) throw new Error(`benchmark job ended ${JobStatus[update.status]}: ${update.job?.error}`);
  }
  return {
    submit_to_assigned_ms: assignedAt ? Math.max(0, assignedAt.getTime() - wallStart) : Number.NaN,
    submit_to_first_progress_ms: Math.round(firstProgress),
    submit_to_completed_ms: Math.round(completed),
  };
}
