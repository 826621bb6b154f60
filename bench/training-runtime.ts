// One measurement of our Node runtime for `npm run bench -- training`, in a process of its own so
// that each round starts the wasm backend afresh with the thread count it measures (tfjs fixes
// the build and the thread pool when the backend starts). Writes one JSON document to CONFIG's
// "out" (a file: tfjs and emscripten may print to stdout).
//
// Usage: node --import tsx bench/training-runtime.ts CONFIG.json
// CONFIG: {"threads", "dataset": path of an encoded dataset, "epochs", "hyperparameters", "models": [model ids], "out"}
import { readFileSync, writeFileSync } from "node:fs";
import { decodeDataset } from "../lib/data/dataset-format";
import { cnnDigits } from "../lib/graph/templates/cnn-digits";
import { mlpDigits } from "../lib/graph/templates/mlp-digits";
import type { Hyperparameters } from "../lib/job/hyperparameters";
import { tf } from "../lib/train/runtime-tf";
import { timeEpochs } from "./training-measure";
import { startThreadedWasm } from "./wasm-threads";

interface Config {
  threads: number;
  dataset: string;
  epochs: number;
  hyperparameters: Hyperparameters;
  models: string[];
  out: string;
}

export interface RuntimeResult {
  /** What trained: the build compute nodes run, or the threaded one started by bench/wasm-threads.ts. */
  build: "wasm-simd" | "wasm-threaded-simd";
  threads: number;
  matmul_gflops: number;
  runs: { model: string; epoch_ms: number[] }[];
}

const SIDE = 1024;

/** The backend's best 1024×1024 float32 matmul rate: a ceiling that other load only lowers. */
async function matmulGflops(): Promise<number> {
  const a = tf.randomUniform([SIDE, SIDE]);
  const b = tf.randomUniform([SIDE, SIDE]);
  let bestMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 8; i++) {
    const started = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    // The first two pay for allocation and XNNPACK's packing.
    if (i >= 2) bestMs = Math.min(bestMs, performance.now() - started);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * SIDE ** 3) / bestMs / 1e6;
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2] as string, "utf8")) as Config;
  let threads = 1;
  if (config.threads > 1) threads = await startThreadedWasm(tf, config.threads);
  else await tf.setBackend("wasm");
  const dataset = decodeDataset(new Uint8Array(readFileSync(config.dataset)));
  const result: RuntimeResult = { build: config.threads > 1 ? "wasm-threaded-simd" : "wasm-simd", threads, matmul_gflops: await matmulGflops(), runs: [] };
  for (const id of config.models) {
    const graph = [mlpDigits, cnnDigits].find((m) => m.id === id)?.graph;
    if (!graph) throw new Error(`unknown model ${id}`);
    const hyperparameters = { ...config.hyperparameters, epochs: config.epochs };
    const times = await timeEpochs(tf, dataset, { graph, hyperparameters, samples: dataset.spec.count, budgetMs: Number.POSITIVE_INFINITY, minEpochs: config.epochs });
    result.runs.push({ model: id, epoch_ms: times.epoch_ms });
  }
  writeFileSync(config.out, JSON.stringify(result));
  // The threaded build's pthread workers would keep the process alive.
  process.exit(0);
}

await main();
