import { beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../data/dataset-format";
import { seededRandom } from "../data/random";
import { chain } from "../graph/templates/template";
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from "./checkpoint";
import type { Hyperparameters } from "../job/hyperparameters";
import { tf } from "./runtime-tf";
import { disposeModel, trainGraph } from "./train-loop";

/** Two noisy clusters in 4-D. */
function clusters(count: number): Dataset {
  const random = seededRandom(8);
  const features = new Float32Array(count * 4);
  const targets = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    targets[i] = i % 2;
    for (let d = 0; d < 4; d++) features[i * 4 + d] = (i % 2 ? 1 : -1) * (d + 1) * 0.3 + (random() - 0.5) * 2;
  }
  return { spec: { name: "clusters", task: "classification", count, features: { shape: [4], dtype: "float32", scale: 1 }, targets: { shape: [], dtype: "uint8", classes: 2 } }, features, targets };
}

const graph = chain("clusters", [
  { id: "in", type: "Input", params: { shape: [4] } },
  { id: "hidden", type: "Dense", params: { units: 6, activation: "tanh" } },
  { id: "head", type: "Dense", params: { units: 2, activation: "softmax" } },
  { id: "out", type: "Output", params: { loss: "sparseCategoricalCrossentropy" } },
]);
const hp: Hyperparameters = { epochs: 4, batchSize: 16, learningRate: 0.02, optimizer: "adam", validationSplit: 0.2, seed: 5 };

async function finalWeights(options: Partial<Parameters<typeof trainGraph>[0]> = {}): Promise<Float32Array[]> {
  const result = await trainGraph({ tf, graph, hyperparameters: hp, dataset: clusters(160), jobId: "job-a", ...options });
  const weights = result.model.getWeights().map((w) => w.dataSync() as Float32Array);
  disposeModel(result.model);
  return weights;
}

async function checkpointAfter(epoch: number): Promise<Checkpoint> {
  let taken: Checkpoint | undefined;
  await finalWeights({ checkpoints: { every: 1, save: async (c) => void (c.epoch === epoch && (taken = c)) } });
  if (!taken) throw new Error(`no checkpoint after epoch ${epoch}`);
  return taken;
}

describe("training checkpoints", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });

  it("resume where training stopped: the final weights equal an uninterrupted run's, bit for bit", async () => {
    const uninterrupted = await finalWeights();
    const checkpoint = decodeCheckpoint(encodeCheckpoint(await checkpointAfter(2)));
    const trained: number[] = [];
    const resumed = await finalWeights({ resume: checkpoint, onProgress: (p) => void (p.epochEnd && trained.push(p.epoch)) });
    // Only the epochs after the checkpoint ran again.
    expect(trained).toEqual([3, 4]);
    // Bitwise: verification replays segments from checkpoints and compares bits.
    expect(resumed).toEqual(uninterrupted);
  });

  it("are taken every N epochs, not after the last", async () => {
    const epochs: number[] = [];
    await finalWeights({ checkpoints: { every: 2, save: async (c) => void epochs.push(c.epoch) } });
    expect(epochs).toEqual([2]);
  });

  it("carry the optimizer's state and the epochs so far through encoding unchanged", async () => {
    const checkpoint = await checkpointAfter(1);
    const decoded = decodeCheckpoint(encodeCheckpoint(checkpoint));
    expect(decoded).toMatchObject({ jobId: "job-a", epoch: 1 });
    expect(decoded.history).toHaveLength(1);
    expect(decoded.optimizer.length).toBeGreaterThan(checkpoint.weights.length);
    expect(decoded.weights.map((w) => Array.from(w.values))).toEqual(checkpoint.weights.map((w) => Array.from(w.values)));
  });

  it("refuse a checkpoint of another job", async () => {
    const checkpoint = await checkpointAfter(1);
    await expect(finalWeights({ jobId: "job-b", resume: checkpoint })).rejects.toThrow(new CheckpointError("the checkpoint belongs to job job-a, not job-b"));
  });

  it("refuse a checkpoint of a model with other weights", async () => {
    const checkpoint = await checkpointAfter(1);
    const wider = chain("wider", [
      { id: "in", type: "Input", params: { shape: [4] } },
      { id: "hidden", type: "Dense", params: { units: 7, activation: "tanh" } },
      { id: "head", type: "Dense", params: { units: 2, activation: "softmax" } },
      { id: "out", type: "Output", params: { loss: "sparseCategoricalCrossentropy" } },
    ]);
    const run = trainGraph({ tf, graph: wider, hyperparameters: hp, dataset: clusters(160), jobId: "job-a", resume: checkpoint });
    await expect(run).rejects.toThrow(/is \[4,7\] in the model but \[4,6\] in the checkpoint/);
  });

  it.each([
    ["a foreign file", new TextEncoder().encode("PK\u0003\u0004 a zip"), "not a CyxWiz checkpoint"],
    ["a truncated file", "truncate", "the checkpoint is truncated"],
  ])("refuse %s", async (_case, bytes, message) => {
    const whole = encodeCheckpoint(await checkpointAfter(1));
    const file = bytes === "truncate" ? whole.slice(0, whole.length - 8) : (bytes as Uint8Array);
    expect(() => decodeCheckpoint(file)).toThrow(message);
  });

  it("leave no tensors behind when resuming", async () => {
    const checkpoint = await checkpointAfter(2);
    const before = tf.memory().numTensors;
    await finalWeights({ resume: checkpoint });
    expect(tf.memory().numTensors).toBe(before);
  });
});
