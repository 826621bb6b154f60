import { beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../data/dataset-format";
import { splitDataset } from "../data/dataset-manifest";
import { blobs } from "../data/test-fixtures";
import { chain } from "../graph/templates/template";
import type { Hyperparameters } from "../job/hyperparameters";
import { tf } from "./runtime-tf";
import { disposeModel, trainGraph } from "./train-loop";
import { chunkedData, type ChunkedDataset } from "./training-data";

const graph = chain("blobs", [
  { id: "in", type: "Input", params: { shape: [2] } },
  { id: "hidden", type: "Dense", params: { units: 8, activation: "relu" } },
  { id: "head", type: "Dense", params: { units: 3, activation: "softmax" } },
  { id: "out", type: "Output", params: {} },
]);

const hp: Hyperparameters = { epochs: 4, batchSize: 16, learningRate: 0.05, optimizer: "adam", validationSplit: 0.2, seed: 11 };

/** A dataset cut into chunks of `perChunk` samples, loaded from memory, recording each load. */
function chunkedSource(dataset: Dataset, perChunk: number, fail?: { index: number; error: Error }) {
  const sampleBytes = dataset.features.byteLength / dataset.spec.count + dataset.targets.byteLength / dataset.spec.count;
  const chunks = splitDataset(dataset, perChunk * sampleBytes);
  const loads: number[] = [];
  const source: ChunkedDataset = {
    spec: dataset.spec,
    chunks: chunks.map((c, i) => ({ sha256: `chunk-${i}`, count: c.spec.count, sizeBytes: c.features.byteLength + c.targets.byteLength })),
    async load(index) {
      loads.push(index);
      if (fail?.index === index) throw fail.error;
      return chunks[index] as Dataset;
    },
  };
  return { source, loads };
}

describe("training on a chunked dataset", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });

  it("learns as well as from the whole dataset", async () => {
    const { source } = chunkedSource(blobs(600), 100);
    const result = await trainGraph({ tf, graph, hyperparameters: hp, dataset: source });
    expect(result.finalMetrics.val_accuracy).toBeGreaterThan(0.95);
    expect(result.predictions?.labels).toHaveLength(120);
    disposeModel(result.model);
  });

  it("splits every chunk by the job's fractions, so the parts add up to the whole", async () => {
    const { source } = chunkedSource(blobs(600), 100);
    const data = await chunkedData(tf, source, "categoricalCrossentropy", undefined, hp);
    expect(data.counts).toEqual({ train: 480, validation: 120, test: 0 });
    let trained = 0;
    for await (const batch of data.batches(1)) {
      trained += batch.size;
      tf.dispose([batch.x, batch.y]);
    }
    expect(trained).toBe(480);
    data.dispose();
  });

  it("fetches the next chunk while the current one trains, and no further ahead", async () => {
    const { source, loads } = chunkedSource(blobs(600), 100);
    const data = await chunkedData(tf, source, "categoricalCrossentropy", undefined, hp);
    const seenAtFirstBatch: number[] = [];
    for await (const batch of data.batches(1)) {
      if (seenAtFirstBatch.length === 0) seenAtFirstBatch.push(...loads);
      tf.dispose([batch.x, batch.y]);
    }
    expect(seenAtFirstBatch).toHaveLength(2);
    expect(new Set(loads)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    data.dispose();
  });

  it("visits the chunks in a different seeded order each epoch", async () => {
    const { source, loads } = chunkedSource(blobs(600), 100);
    const data = await chunkedData(tf, source, "categoricalCrossentropy", undefined, hp);
    const orderOf = async (epoch: number) => {
      loads.length = 0;
      for await (const batch of data.batches(epoch)) tf.dispose([batch.x, batch.y]);
      return [...loads];
    };
    const [first, second, firstAgain] = [await orderOf(1), await orderOf(2), await orderOf(1)];
    expect(first).not.toEqual(second);
    expect(firstAgain).toEqual(first);
    data.dispose();
  });

  it("holds the same number of tensors at the end of every epoch", async () => {
    const { source } = chunkedSource(blobs(300), 60);
    const counts: number[] = [];
    const result = await trainGraph({
      tf,
      graph,
      hyperparameters: { ...hp, epochs: 5 },
      dataset: source,
      onProgress: (p) => {
        if (p.epochEnd) counts.push(tf.memory().numTensors);
      },
    });
    expect(new Set(counts).size).toBe(1);
    disposeModel(result.model);
  });

  it("stops with the chunk's own error when a chunk cannot be had, leaving no tensors behind", async () => {
    const before = tf.memory().numTensors;
    const { source } = chunkedSource(blobs(300), 60, { index: 3, error: new Error("dataset chunk 4 of 5 is corrupted") });
    await expect(trainGraph({ tf, graph, hyperparameters: hp, dataset: source })).rejects.toThrow("dataset chunk 4 of 5 is corrupted");
    expect(tf.memory().numTensors).toBe(before);
  });

  it("produces the same weights twice from the same seed", async () => {
    const weights = async () => {
      const { source } = chunkedSource(blobs(300), 60);
      const result = await trainGraph({ tf, graph, hyperparameters: hp, dataset: source });
      const values = await Promise.all(result.model.getWeights().map((w) => w.data()));
      disposeModel(result.model);
      return values.map((v) => [...v]);
    };
    expect(await weights()).toEqual(await weights());
  });
});
