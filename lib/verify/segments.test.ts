import { beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../data/dataset-format";
import { splitDataset } from "../data/dataset-manifest";
import { blobs } from "../data/test-fixtures";
import { lstmText } from "../graph/templates/sequence-classifiers";
import { chain } from "../graph/templates/template";
import type { Hyperparameters } from "../job/hyperparameters";
import type { Checkpoint } from "../train/checkpoint";
import { decodeCheckpoint, encodeCheckpoint } from "../train/checkpoint";
import { tf } from "../train/runtime-tf";
import { disposeModel, trainGraph } from "../train/train-loop";
import type { ChunkedDataset } from "../train/training-data";
import { stateHash } from "./commitment";
import { initialState, replaySegment, segmentBoundaries, stepsPerSegment, type SegmentJob } from "./segments";

// Dropout in the graph: its masks must replay too.
const graph = chain("blobs with dropout", [
  { id: "in", type: "Input", params: { shape: [2] } },
  { id: "hidden", type: "Dense", params: { units: 16, activation: "relu" } },
  { id: "drop", type: "Dropout", params: { rate: 0.3 } },
  { id: "head", type: "Dense", params: { units: 3, activation: "softmax" } },
  { id: "out", type: "Output", params: {} },
]);

// 240 samples, 48 held out: 12 batches of 16 an epoch, 36 steps in all.
const hp: Hyperparameters = { epochs: 3, batchSize: 16, learningRate: 0.05, optimizer: "adam", validationSplit: 0.2, seed: 11 };

function chunked(dataset: Dataset, perChunk: number): ChunkedDataset {
  const sampleBytes = (dataset.features.byteLength + dataset.targets.byteLength) / dataset.spec.count;
  const chunks = splitDataset(dataset, perChunk * sampleBytes);
  return { spec: dataset.spec, chunks: chunks.map((c, i) => ({ sha256: `chunk-${i}`, count: c.spec.count, sizeBytes: 0 })), load: async (i) => chunks[i] as Dataset };
}

/** An honest node's run: every boundary's checkpoint, through the wire format as it would be uploaded. */
async function honestRun(job: SegmentJob, k: number): Promise<Checkpoint[]> {
  const taken: Checkpoint[] = [];
  const result = await trainGraph({ ...job, stepCheckpoints: { every: k, save: async (c) => void taken.push(decodeCheckpoint(encodeCheckpoint(c))) } });
  disposeModel(result.model);
  return taken;
}

describe("segment boundaries", () => {
  it("cut a job every k steps, with a short last segment", () => {
    expect(segmentBoundaries(36, 10)).toEqual([0, 10, 20, 30, 36]);
    expect(segmentBoundaries(30, 10)).toEqual([0, 10, 20, 30]);
    expect(segmentBoundaries(5, 10)).toEqual([0, 5]);
    expect(() => segmentBoundaries(30, 0)).toThrow(RangeError);
  });

  it("hold at least 10 steps, and about 20 segments in a long job", () => {
    expect(stepsPerSegment(5)).toBe(5);
    expect(stepsPerSegment(36)).toBe(10);
    expect(stepsPerSegment(10_000)).toBe(500);
    expect(segmentBoundaries(10_000, stepsPerSegment(10_000))).toHaveLength(21);
  });
});

describe("replaying segments", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });

  // Held whole: 12 batches an epoch, boundaries inside epochs 1, 2 and 3 and at the end. Chunked
  // by 50 (40 training samples a chunk, 32 in the last): 14 batches an epoch, two boundaries in epoch 3.
  for (const [name, dataset, totalSteps, epochs] of [
    ["held whole", () => blobs(240), 36, [0, 1, 2, 3]],
    ["chunked", () => chunked(blobs(240), 50), 42, [0, 1, 2, 2, 3]],
  ] as const) {
    it(`reproduces every segment of an honest run bit for bit, inside epochs and across them (${name})`, async () => {
      const job: SegmentJob = { tf, graph, hyperparameters: hp, dataset: dataset(), jobId: "job-1" };
      const k = 10;
      const checkpoints = await honestRun(job, k);
      const boundaries = segmentBoundaries(totalSteps, k);
      expect(checkpoints.map((c) => c.step)).toEqual(boundaries.slice(1));
      expect(checkpoints.map((c) => c.epoch)).toEqual(epochs);
      const starts = [await initialState(job), ...checkpoints.slice(0, -1)];
      for (const [i, from] of starts.entries()) {
        const replayed = await replaySegment(job, from, (boundaries[i + 1] as number) - (boundaries[i] as number));
        expect(replayed.step).toBe(boundaries[i + 1]);
        expect(await stateHash(replayed)).toBe(await stateHash(checkpoints[i] as Checkpoint));
      }
    });
  }

  it("gives the initial state the server can compute without the data", async () => {
    const job: SegmentJob = { tf, graph, hyperparameters: hp, dataset: blobs(240), jobId: "job-1" };
    const initial = await initialState(job);
    expect(initial).toMatchObject({ step: 0, epoch: 0, optimizer: [] });
    expect(await stateHash(initial)).toBe(await stateHash(await initialState(job)));
    expect(await stateHash(initial)).not.toBe(await stateHash(await initialState({ ...job, hyperparameters: { ...hp, seed: 12 } })));
  });

  it("gives recurrent models a reproducible initial state too", async () => {
    const job = { tf, graph: lstmText.graph, hyperparameters: { ...hp, seed: 3 }, jobId: "job-1" };
    expect(await stateHash(await initialState(job))).toBe(await stateHash(await initialState(job)));
  });

  it("leaves no tensors behind", async () => {
    const job: SegmentJob = { tf, graph, hyperparameters: hp, dataset: blobs(240), jobId: "job-1" };
    const before = tf.memory().numTensors;
    await replaySegment(job, await initialState(job), 15);
    expect(tf.memory().numTensors).toBe(before);
  });
});
