import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { generateCode } from "../lib/codegen";
import { encodeDataset, type Dataset } from "../lib/data/dataset-format";
import { analyzeGraph } from "../lib/graph/analyze";
import type { ModelTemplate } from "../lib/graph/templates/template";
import type { ModelGraph } from "../lib/graph/types";
import type { Hyperparameters } from "../lib/job/hyperparameters";
import { tf } from "../lib/train/runtime-tf";
import { datasetTensors } from "../lib/train/tensors";
import { pythonWithTorch } from "../tests/helpers/python";
import { REPO_ROOT } from "../tests/helpers/server-process";
import { median } from "./stats";
import type { RuntimeResult } from "./training-runtime";

/**
 * Our Node runtime against PyTorch on the CPU, interleaved: each round runs, for each thread count,
 * one PyTorch process and one process of ours back to back, so that drift and neighbours on a
 * shared machine hit both sides alike. The order flips every round (A B, then B A) so that load
 * which rises or falls through a round does not favour the side that always goes first.
 */
export interface ComparisonPlan {
  models: readonly ModelTemplate[];
  hyperparameters: Hyperparameters;
  rounds: number;
  /** Per run and model: the first epoch (kernel set-up, warming caches) is left out of the throughput. */
  epochs: number;
  threadCounts: number[];
}

type Side = "pytorch" | "ours";
type Series = "ours" | "pytorch_generated" | "pytorch_idiomatic";

interface PytorchResult {
  framework: string;
  threads: number;
  matmul_gflops: { blas_mm: number; onednn_1x1_conv: number };
  runs: { model: string; variant: "generated" | "idiomatic"; trainable_params: number; epoch_ms: number[] }[];
}

interface RoundRecord {
  round: number;
  threads: number;
  side: Side;
  /** 1-, 5- and 15-minute load averages just before and just after the process ran. */
  load_before: number[];
  load_after: number[];
  /** The 1024×1024 matmul of each path the side has: its best rate is the run's ceiling. */
  matmul_gflops: Record<string, number>;
  /** What trained: our wasm build and its actual thread count, or the PyTorch version. */
  runtime: string;
  threads_used: number;
  epoch_ms: Partial<Record<string, number[]>>;
}

const round = (value: number, digits = 0) => Number(value.toFixed(digits));
const loads = () => os.loadavg().map((l) => round(l, 2));
const seriesKey = (model: string, series: Series) => `${model}/${series}`;

/**
 * FLOPs of one sample's training step: the forward pass (2 a multiply-accumulate, as analyzeGraph
 * counts them from the layer shapes) and a backward pass of about twice that (gradients for the
 * inputs and for the weights).
 */
export const trainingStepFlops = (graph: ModelGraph) => 3 * analyzeGraph(graph).totalFlops;

/** samples/s of one run: its steady epochs' median. */
const throughput = (epochMs: number[], samples: number) => (samples / median(epochMs.slice(1))) * 1000;

function spread(values: number[]) {
  return { median: round(median(values), 1), min: round(Math.min(...values), 1), max: round(Math.max(...values), 1), rounds: values.map((v) => round(v, 1)) };
}

export async function compareWithPytorch(dataset: Dataset, plan: ComparisonPlan, log: (line: string) => void) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-bench-compare-"));
  try {
    const inputs = await writeInputs(dir, dataset, plan);
    const records: RoundRecord[] = [];
    for (let r = 0; r < plan.rounds; r++) {
      for (const threads of plan.threadCounts) {
        const order: Side[] = r % 2 === 0 ? ["pytorch", "ours"] : ["ours", "pytorch"];
        for (const side of order) {
          const loadBefore = loads();
          const record = side === "pytorch" ? await runPytorch(inputs, threads) : await runOurs(inputs, threads);
          const loadAfter = loads();
          records.push({ round: r + 1, threads, side, load_before: loadBefore, load_after: loadAfter, ...record });
          const rates = Object.entries(record.epoch_ms).map(([key, ms]) => `${key} ${Math.round(throughput(ms as number[], dataset.spec.count))}/s`);
          log(`round ${r + 1}, ${threads} thread(s), ${record.runtime} (${record.threads_used}): ${rates.join(", ")}; load ${loadBefore[0]} → ${loadAfter[0]}`);
        }
      }
    }
    return summarise(records, dataset.spec.count, plan);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Inputs {
  python: string;
  pythonConfig: Record<string, unknown>;
  oursConfig: Record<string, unknown>;
  dir: string;
  models: readonly ModelTemplate[];
}

/** The tensors, generated modules and dataset both sides read, written once. */
async function writeInputs(dir: string, dataset: Dataset, plan: ComparisonPlan): Promise<Inputs> {
  await tf.setBackend("cpu");
  const { x, y, count } = datasetTensors(tf, dataset, "categoricalCrossentropy");
  const files = { x: path.join(dir, "x.f32"), y: path.join(dir, "y.f32"), dataset: path.join(dir, "dataset.cxds") };
  await writeFile(files.x, await x.data());
  await writeFile(files.y, await y.data());
  await writeFile(files.dataset, encodeDataset(dataset));
  const { hyperparameters: h } = plan;
  const models = [];
  for (const model of plan.models) {
    const file = path.join(dir, `${model.id.replace(/-/g, "_")}.py`);
    await writeFile(file, generateCode(model.graph, "pytorch", { optimizer: h.optimizer, learningRate: h.learningRate }));
    const layers = analyzeGraph(model.graph).nodes.map((n) => ({ type: n.node.type, params: n.params, input_shape: n.inputShapes[0] ?? null }));
    models.push({ name: model.id, file, layers });
  }
  const pythonConfig = {
    seed: h.seed,
    batch_size: h.batchSize,
    learning_rate: h.learningRate,
    epochs: plan.epochs,
    count,
    x: files.x,
    x_shape: x.shape.slice(1),
    y: files.y,
    y_shape: y.shape.slice(1),
    models,
  };
  tf.dispose([x, y]);
  const oursConfig = { dataset: files.dataset, epochs: plan.epochs, hyperparameters: h, models: plan.models.map((m) => m.id) };
  return { python: pythonWithTorch(), pythonConfig, oursConfig, dir, models: plan.models };
}

async function runPytorch(inputs: Inputs, threads: number): Promise<Omit<RoundRecord, "round" | "threads" | "side" | "load_before" | "load_after">> {
  const file = path.join(inputs.dir, `torch-${threads}.json`);
  await writeFile(file, JSON.stringify({ ...inputs.pythonConfig, threads }));
  const { stdout } = await promisify(execFile)(inputs.python, [path.join(REPO_ROOT, "bench", "pytorch-reference.py"), file], { maxBuffer: 1 << 24 });
  const out = JSON.parse(stdout) as PytorchResult;
  const epochMs: RoundRecord["epoch_ms"] = {};
  for (const run of out.runs) {
    const graph = inputs.models.find((m) => m.id === run.model)?.graph;
    const expected = graph && analyzeGraph(graph).totalParams;
    if (run.trainable_params !== expected) throw new Error(`${run.variant} PyTorch ${run.model} has ${run.trainable_params} trainable parameters, the graph ${expected}`);
    epochMs[seriesKey(run.model, `pytorch_${run.variant}`)] = run.epoch_ms.map((ms) => round(ms));
  }
  const matmul = Object.fromEntries(Object.entries(out.matmul_gflops).map(([path, gflops]) => [path, round(gflops, 1)]));
  return { matmul_gflops: matmul, runtime: out.framework, threads_used: out.threads, epoch_ms: epochMs };
}

async function runOurs(inputs: Inputs, threads: number): Promise<Omit<RoundRecord, "round" | "threads" | "side" | "load_before" | "load_after">> {
  const file = path.join(inputs.dir, `ours-${threads}.json`);
  const out = path.join(inputs.dir, `ours-${threads}-out.json`);
  await writeFile(file, JSON.stringify({ ...inputs.oursConfig, threads, out }));
  await promisify(execFile)(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "bench", "training-runtime.ts"), file], { cwd: REPO_ROOT });
  const result = JSON.parse(await readFile(out, "utf8")) as RuntimeResult;
  const epochMs: RoundRecord["epoch_ms"] = {};
  for (const run of result.runs) epochMs[seriesKey(run.model, "ours")] = run.epoch_ms.map((ms) => round(ms));
  return { matmul_gflops: { xnnpack_mm: round(result.matmul_gflops, 1) }, runtime: `tfjs ${result.build}`, threads_used: result.threads, epoch_ms: epochMs };
}

function summarise(records: RoundRecord[], samples: number, plan: ComparisonPlan) {
  const results = [];
  for (const model of plan.models) {
    const stepFlopsPerSample = trainingStepFlops(model.graph);
    for (const threads of plan.threadCounts) {
      const of = (side: Side) => records.filter((r) => r.threads === threads && r.side === side);
      const values = (series: Series) => of(series === "ours" ? "ours" : "pytorch").map((r) => throughput(r.epoch_ms[seriesKey(model.id, series)] as number[], samples));
      const ours = values("ours");
      const variants = { pytorch_generated: values("pytorch_generated"), pytorch_idiomatic: values("pytorch_idiomatic") };
      const reference = median(variants.pytorch_idiomatic) >= median(variants.pytorch_generated) ? ("pytorch_idiomatic" as const) : ("pytorch_generated" as const);
      const torch = variants[reference];
      const roundRatios = ours.map((v, i) => v / (torch[i] as number));
      // Other processes only ever slow an epoch down: each side's fastest epoch is the one they disturbed least.
      const fastest = (series: Series) =>
        Math.max(...of(series === "ours" ? "ours" : "pytorch").flatMap((r) => (r.epoch_ms[seriesKey(model.id, series)] as number[]).slice(1).map((ms) => (samples / ms) * 1000)));
      const disturbed = [];
      const busiest = Math.max(
        ...of("ours")
          .concat(of("pytorch"))
          .flatMap((r) => [r.load_before[0] as number, r.load_after[0] as number]),
      );
      if (busiest > os.availableParallelism()) disturbed.push(`1-minute load average up to ${busiest} on ${os.availableParallelism()} cores`);
      if (Math.max(...roundRatios) > 1.5 * Math.min(...roundRatios)) disturbed.push(`round ratios from ${round(Math.min(...roundRatios), 3)} to ${round(Math.max(...roundRatios), 3)}`);
      const ceiling = (side: Side) => median(of(side).map((r) => Math.max(...Object.values(r.matmul_gflops))));
      const ceilings = { ours: ceiling("ours"), pytorch: ceiling("pytorch") };
      const gflops = (perSecond: number) => (stepFlopsPerSample * perSecond) / 1e9;
      results.push({
        model: model.id,
        threads,
        ours_runtime: `${of("ours")[0]?.runtime}, ${of("ours")[0]?.threads_used} thread(s)`,
        ours: spread(ours),
        pytorch_generated: spread(variants.pytorch_generated),
        pytorch_idiomatic: spread(variants.pytorch_idiomatic),
        reference,
        ratio_of_medians: round(median(ours) / median(torch), 3),
        round_ratios: roundRatios.map((r) => round(r, 3)),
        ratio_of_fastest_epochs: round(fastest("ours") / fastest(reference), 3),
        disturbed,
        gflops: {
          training_step_flops_per_sample: stepFlopsPerSample,
          ours: round(gflops(median(ours)), 2),
          reference: round(gflops(median(torch)), 2),
          ours_matmul_ceiling: round(ceilings.ours, 1),
          pytorch_matmul_ceiling: round(ceilings.pytorch, 1),
          pytorch_blas_mm: round(median(of("pytorch").map((r) => r.matmul_gflops.blas_mm as number)), 1),
          ours_share_of_ceiling: round(gflops(median(ours)) / ceilings.ours, 3),
          reference_share_of_ceiling: round(gflops(median(torch)) / ceilings.pytorch, 3),
        },
      });
    }
  }
  return { results, rounds: records };
}
