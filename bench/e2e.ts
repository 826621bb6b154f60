import { timestampDate } from "@bufbuild/protobuf/wkt";
import { spawn } from "node:child_process";
import { JobStatus } from "../gen/cyxwiz/v1/job_pb";
import { mlpDigits } from "../lib/graph/templates/mlp-digits";
import type { Hyperparameters } from "../lib/train/hyperparameters";
import { tf } from "../lib/train/runtime-tf";
import { disposeModel, trainGraph } from "../lib/train/train-loop";
import { decodeDataset } from "../lib/data/dataset-format";
import { connectClients } from "../tests/helpers/clients";
import { fetchDataset } from "../tests/helpers/evaluate";
import { REPO_ROOT, startServerProcess } from "../tests/helpers/server-process";
import type { Benchmark } from "./run";

const RUNS = 3;
const HYPERPARAMETERS: Hyperparameters = { epochs: 3, batchSize: 64, learningRate: 0.001, optimizer: "adam", validationSplit: 0.1, seed: 1234 };

interface PlatformRun {
  submit_to_assigned_ms: number;
  submit_to_first_progress_ms: number;
  submit_to_completed_ms: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/**
 * The digits MLP through the real platform — a server process, a worker process (Node runtime,
 * tfjs wasm), Connect over HTTP — against the same training alone in this process, same
 * backend, seed and settings.
 */
export const e2eBenchmark: Benchmark = {
  name: "e2e",
  description: "digits MLP (3 epochs) submitted through the platform vs. the same training alone",
  async run(log) {
    const server = await startServerProcess({ DATABASE_URL: "pglite:memory" });
    const worker = spawn(process.execPath, ["--import", "tsx", "worker/main.ts", "--runtime", "node", "--server", server.rpcUrl], { cwd: REPO_ROOT, stdio: "ignore" });
    try {
      const clients = connectClients(server.rpcUrl);
      const once = () => platformRun(clients);
      log("warm-up run through the platform");
      await once();
      const runs: PlatformRun[] = [];
      for (let i = 0; i < RUNS; i++) {
        runs.push(await once());
        log(`platform run ${i + 1}: ${JSON.stringify(runs.at(-1))}`);
      }
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
      const medians = {
        submit_to_assigned_ms: median(runs.map((r) => r.submit_to_assigned_ms)),
        submit_to_first_progress_ms: median(runs.map((r) => r.submit_to_first_progress_ms)),
        submit_to_completed_ms: median(runs.map((r) => r.submit_to_completed_ms)),
        pure_training_ms: Math.round(median(pure)),
      };
      const result = { ...medians, overhead_ratio: Number((medians.submit_to_completed_ms / medians.pure_training_ms).toFixed(3)) };
      log(`median: ${JSON.stringify(result)}`);
      return {
        runtime: "worker process on tfjs wasm (Node); reference: trainGraph in the benchmark process, same backend and seed",
        model: "mlp-digits",
        hyperparameters: HYPERPARAMETERS,
        runs: RUNS,
        ...result,
        platform_runs: runs,
        pure_runs_ms: pure.map(Math.round),
      };
    } finally {
      worker.kill("SIGTERM");
      await server.stop();
    }
  },
};

async function platformRun(clients: ReturnType<typeof connectClients>): Promise<PlatformRun> {
  const wallStart = Date.now();
  const start = performance.now();
  const { job } = await clients.jobs.submitJob({
    config: { name: "bench mlp", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: HYPERPARAMETERS },
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
