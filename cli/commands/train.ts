import { writeFile } from "node:fs/promises";
import { decodeDataset, encodeDataset, type Dataset } from "../../lib/data/dataset-format";
import { fetchWholeDataset } from "../../lib/compute/artifacts-client";
import { formatMetrics } from "../../lib/train/progress";
import { analyzeGraph } from "../../lib/graph/analyze";
import { fitDataset } from "../../lib/graph/dataset-fit";
import { parseHyperparameters } from "../../lib/job/hyperparameters";
import { EXIT, exitCodeFor } from "../exit-codes";
import { readGraphSource } from "../graph-source";
import type { Output } from "../output";
import { hyperparametersFrom, type TrainingFlags } from "../training-flags";

export interface TrainOptions extends TrainingFlags {
  server: string;
  out?: string;
}

/** A built-in dataset by name, built here; any other is fetched from the server by its hash. */
async function loadDataset(name: string, server: string): Promise<Dataset> {
  const { buildBuiltinDatasets } = await import("../../lib/data/builtin");
  const builtin = (await buildBuiltinDatasets()).find((d) => d.spec.name === name);
  if (builtin) return decodeDataset(encodeDataset(builtin));
  const response = await fetch(new URL("/api/v1/datasets", server));
  const { datasets } = (await response.json()) as { datasets: { name: string; sha256: string }[] };
  const entry = datasets.find((d) => d.name === name);
  if (!entry) throw new Error(`no dataset "${name}" here or on ${server}`);
  return fetchWholeDataset(server, entry.sha256);
}

/**
 * Trains locally in Node on the wasm backend (the runtime compute nodes use), printing progress to
 * stderr, and saves the model as a zip (model.json + weights.bin).
 */
export async function trainCommand(source: string | undefined, options: TrainOptions, out: Output): Promise<number> {
  if (!source) {
    out.error("usage: cyxwiz train <graph.json|template-id> [--dataset NAME] [--epochs N] [--batch-size N] [--learning-rate X] [--out model.zip]");
    return EXIT.invalid;
  }
  const graph = await readGraphSource(source);
  if (!graph.ok) {
    out.error(graph.message);
    return EXIT.invalid;
  }
  const hp = parseHyperparameters(hyperparametersFrom(options, graph.template));
  if (!hp.ok) {
    out.error(hp.message);
    return EXIT.invalid;
  }
  const analysis = analyzeGraph(graph.graph);
  const datasetName = (options.dataset ?? graph.template?.dataset ?? analysis.data?.dataset ?? "").replace(/^dataset:/, "");
  if (!datasetName) {
    out.error("--dataset is required for a graph file without a Dataset node");
    return EXIT.invalid;
  }
  let dataset: Dataset;
  try {
    dataset = await loadDataset(datasetName, options.server);
  } catch (error) {
    out.error((error as Error).message);
    return exitCodeFor(error);
  }
  const misfit = fitDataset(analysis, { dataset: dataset.spec }).issues;
  if (misfit.length > 0) {
    for (const issue of misfit) out.error(`error: ${issue.message}`);
    return EXIT.invalid;
  }
  const { tf } = await import("../../lib/train/runtime-tf");
  const { trainGraph, disposeModel } = await import("../../lib/train/train-loop");
  const { exportModel } = await import("../../lib/train/export");
  const { zipModel } = await import("../../lib/train/model-zip");
  await tf.setBackend("wasm");
  const seed = hp.value.seed || Math.floor(Math.random() * 2 ** 31);
  const result = await trainGraph({
    tf,
    graph: graph.graph,
    hyperparameters: { ...hp.value, seed },
    dataset,
    onProgress: (p) => {
      process.stderr.write(`${p.epochEnd ? "" : "  "}epoch ${p.step.toFixed(2)}/${p.totalEpochs}  ${formatMetrics(p.metrics)}  ${Math.round(p.samplesPerSecond)} samples/s\n`);
    },
  });
  const exported = await exportModel(tf, result.model);
  disposeModel(result.model);
  const file = options.out ?? `${(graph.graph.name ?? "model").replace(/[^A-Za-z0-9]+/g, "-").toLowerCase()}.zip`;
  await writeFile(file, zipModel(exported.modelJson, exported.weights));
  out.print(
    out.json
      ? JSON.stringify({ model: file, finalMetrics: result.finalMetrics, durationMs: Math.round(result.durationMs), backend: result.backend })
      : `saved ${file} (${formatMetrics(result.finalMetrics)}, ${(result.durationMs / 1000).toFixed(1)} s on ${result.backend})`,
  );
  return EXIT.ok;
}
