import { beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../data/dataset-format";
import { blobs } from "../data/test-fixtures";
import { blobsClassifier as graph } from "../graph/examples";
import { chain } from "../graph/templates/template";
import type { Hyperparameters } from "../job/hyperparameters";
import type { TrainingProgress } from "./progress";
import { tf } from "./runtime-tf";
import { disposeModel, TrainingAborted, TrainingDiverged, trainGraph } from "./train-loop";

const regression = chain("line", [
  { id: "in", type: "Input", params: { shape: [2] } },
  { id: "head", type: "Dense", params: { units: 1 } },
  { id: "out", type: "Output", params: { loss: "meanSquaredError" } },
]);

const hp: Hyperparameters = { epochs: 4, batchSize: 16, learningRate: 0.05, optimizer: "adam", validationSplit: 0.2, seed: 11 };

describe("trainGraph", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });

  it("learns a separable problem", async () => {
    const result = await trainGraph({ tf, graph, hyperparameters: hp, dataset: blobs(300) });
    expect(result.finalMetrics.val_accuracy).toBeGreaterThan(0.95);
    expect(result.backend).toBe("wasm");
    disposeModel(result.model);
  });

  it("hands back a classifier's predictions on the held-out part, agreeing with its accuracy", async () => {
    const result = await trainGraph({ tf, graph, hyperparameters: hp, dataset: blobs(300) });
    const predictions = result.predictions;
    disposeModel(result.model);
    expect(predictions).toMatchObject({ part: "validation", classes: 3 });
    const { labels, scores } = predictions as NonNullable<typeof predictions>;
    expect(labels).toHaveLength(60);
    expect(scores).toHaveLength(180);
    const predicted = Array.from(labels, (_, i) => [0, 1, 2].reduce((best, k) => ((scores[i * 3 + k] as number) > (scores[i * 3 + best] as number) ? k : best), 0));
    const accuracy = predicted.filter((p, i) => p === labels[i]).length / labels.length;
    expect(accuracy).toBeCloseTo(result.finalMetrics.val_accuracy as number, 5);
  });

  it("hands back no predictions for a regression", async () => {
    const data = blobs(60);
    const result = await trainGraph({
      tf,
      graph: regression,
      hyperparameters: { ...hp, epochs: 1 },
      dataset: { ...data, spec: { ...data.spec, task: "regression", targets: { shape: [], dtype: "uint8" } } },
    });
    disposeModel(result.model);
    expect(result.predictions).toBeUndefined();
  });

  it("closes every epoch with a report that carries validation metrics", async () => {
    const ends: TrainingProgress[] = [];
    const result = await trainGraph({
      tf,
      graph,
      hyperparameters: hp,
      dataset: blobs(300),
      onProgress: (p) => void (p.epochEnd && ends.push(p)),
    });
    disposeModel(result.model);
    expect(ends.map((p) => [p.epoch, p.step, p.progress])).toEqual([
      [1, 1, 0.25],
      [2, 2, 0.5],
      [3, 3, 0.75],
      [4, 4, 1],
    ]);
    for (const p of ends) expect(Object.keys(p.metrics).sort()).toEqual(["accuracy", "loss", "lr", "val_accuracy", "val_loss"]);
  });

  it("tells the time left and the tensor memory in use with every report, no time left at the end", async () => {
    const reports: TrainingProgress[] = [];
    const result = await trainGraph({ tf, graph, hyperparameters: hp, dataset: blobs(300), progressIntervalMs: 0, onProgress: (p) => void reports.push(p) });
    const beforeLast = reports.slice(0, -1);
    expect(beforeLast.every((p) => p.etaSeconds > 0)).toBe(true);
    expect(reports.at(-1)?.etaSeconds).toBe(0);
    expect(reports.every((p) => p.memoryBytes > 0)).toBe(true);
    disposeModel(result.model);
  });

  it("reports within epochs no more often than the interval allows", async () => {
    const within: TrainingProgress[] = [];
    const result = await trainGraph({
      tf,
      graph,
      hyperparameters: { ...hp, epochs: 1, batchSize: 1 },
      dataset: blobs(300),
      progressIntervalMs: 60_000,
      onProgress: (p) => void (!p.epochEnd && within.push(p)),
    });
    disposeModel(result.model);
    expect(within).toHaveLength(1);
  });

  it("stops with TrainingAborted when its signal fires", async () => {
    const controller = new AbortController();
    const run = trainGraph({
      tf,
      graph,
      hyperparameters: { ...hp, epochs: 50 },
      dataset: blobs(300),
      signal: controller.signal,
      onProgress: (p) => void (p.epoch === 2 && controller.abort()),
    });
    await expect(run).rejects.toBeInstanceOf(TrainingAborted);
  });

  it("stops with TrainingDiverged naming the epoch when the loss is no longer a number", async () => {
    const points = blobs(120);
    const targets = Float32Array.from(points.targets);
    targets[7] = Number.NaN;
    const data: Dataset = { ...points, targets, spec: { ...points.spec, task: "regression", targets: { shape: [], dtype: "float32" } } };
    const run = trainGraph({ tf, graph: regression, hyperparameters: { ...hp, validationSplit: 0 }, dataset: data });
    await expect(run).rejects.toThrow(TrainingDiverged);
    await expect(run).rejects.toThrow(/^the loss became NaN at epoch 1, batch \d+ of 8: lower the learning rate/);
  });

  it("stops early when the validation loss stops improving, keeping the best epoch's weights and metrics", async () => {
    const before = tf.memory().numTensors;
    // A learning rate this small leaves the loss where it started: no epoch improves on the first.
    const result = await trainGraph({ tf, graph, hyperparameters: { ...hp, epochs: 10, learningRate: 1e-9, earlyStoppingPatience: 2 }, dataset: blobs(120) });
    expect(result.stoppedEarly).toEqual({ epoch: 3, bestEpoch: 1 });
    expect(result.epochs).toHaveLength(3);
    expect(result.finalMetrics.val_loss).toBe(result.epochs[0]?.metrics.val_loss);
    disposeModel(result.model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("trains every epoch when early stopping is off", async () => {
    const result = await trainGraph({ tf, graph, hyperparameters: { ...hp, learningRate: 1e-9 }, dataset: blobs(120) });
    expect(result.stoppedEarly).toBeUndefined();
    expect(result.epochs).toHaveLength(hp.epochs);
    disposeModel(result.model);
  });

  it("holds the same number of tensors at the end of every epoch", async () => {
    const counts: number[] = [];
    const result = await trainGraph({
      tf,
      graph,
      hyperparameters: { ...hp, epochs: 5 },
      dataset: blobs(120),
      onProgress: (p) => void (p.epochEnd && counts.push(tf.memory().numTensors)),
    });
    disposeModel(result.model);
    expect(counts).toHaveLength(5);
    expect(new Set(counts).size).toBe(1);
  });

  it("leaves no tensors behind once the model is disposed", async () => {
    const before = tf.memory().numTensors;
    const result = await trainGraph({ tf, graph, hyperparameters: hp, dataset: blobs(120) });
    disposeModel(result.model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("produces the same weights twice from the same seed on the same backend", async () => {
    const weights = async () => {
      const result = await trainGraph({ tf, graph, hyperparameters: hp, dataset: blobs(120) });
      const values = await Promise.all(result.model.getWeights().map((w) => w.data()));
      disposeModel(result.model);
      return values.map((v) => [...v]);
    };
    expect(await weights()).toEqual(await weights());
  });
});
