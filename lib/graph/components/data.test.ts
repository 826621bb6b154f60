import { beforeAll, describe, expect, it } from "vitest";
import type { Dataset, DatasetSpec } from "../../data/dataset-format";
import { seededRandom } from "../../data/random";
import { GraphCompileError } from "../../train/compile";
import { prepareData } from "../../train/data-pipeline";
import { DEFAULT_HYPERPARAMETERS } from "../../job/hyperparameters";
import { tf } from "../../train/runtime-tf";
import { disposeModel, trainGraph } from "../../train/train-loop";
import { analyzeGraph } from "../analyze";
import { prepareParsedGraph } from "../prepare";
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphNode, type ModelGraph } from "../types";

/** Images 4×4×1 with a class index from the mean brightness, or (numeric) a plain integer label. */
function images(count = 100, name = "tiny-images"): Dataset {
  const random = seededRandom(3);
  const features = Float32Array.from({ length: count * 16 }, () => random());
  const targets = Int32Array.from({ length: count }, (_, i) => (features.subarray(i * 16, i * 16 + 16).reduce((a, b) => a + b, 0) > 8 ? 1 : 0));
  return {
    spec: { name, task: "classification", count, features: { shape: [4, 4, 1], dtype: "float32", scale: 1 }, targets: { shape: [], dtype: "int32", classes: 2 } },
    features,
    targets,
  };
}

const numericLabels = (): Dataset => {
  const d = images(100, "numeric");
  return { ...d, spec: { ...d.spec, task: "regression", targets: { shape: [], dtype: "int32" } } };
};

const lookup =
  (...specs: DatasetSpec[]) =>
  (name: string) =>
    specs.find((s) => s.name === name);

/** Dataset → steps… → Input [4,4,1] → Flatten → Dense(2, softmax) → Output. */
function pipelineGraph(steps: GraphNode[], dataset = "tiny-images", inputShape = [4, 4, 1]): ModelGraph {
  const chain = [{ id: "data", type: "Dataset", params: { name: dataset } }, ...steps];
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    nodes: [
      ...chain,
      { id: "in", type: "Input", params: { shape: inputShape } },
      { id: "flat", type: "Flatten", params: {} },
      { id: "dense", type: "Dense", params: { units: 2, activation: "softmax" } },
      { id: "out", type: "Output", params: { loss: "categoricalCrossentropy" } },
    ],
    edges: [
      ...chain.map((n, i) => ({ source: n.id, target: chain[i + 1]?.id ?? "in", targetHandle: "data" })),
      { source: "in", target: "flat" },
      { source: "flat", target: "dense" },
      { source: "dense", target: "out" },
    ],
  };
}

describe("data pipelines in a graph", () => {
  it("follow the chain from the Dataset to the Input, in order", () => {
    const {
      analysis: a,
      fit,
      issues,
    } = prepareParsedGraph(
      pipelineGraph([
        { id: "split", type: "Split", params: {} },
        { id: "norm", type: "Normalize", params: {} },
      ]),
      { catalog: lookup(images().spec) },
    );
    expect(issues).toEqual([]);
    expect(a.data?.steps.map((s) => s.node.id)).toEqual(["data", "split", "norm"]);
    expect(a.data?.dataset).toBe("tiny-images");
    expect(fit.spec?.features.shape).toEqual([4, 4, 1]);
  });

  it("name the Input whose shape does not fit the dataset", () => {
    const a = prepareParsedGraph(pipelineGraph([], "tiny-images", [2, 8, 1]), { catalog: lookup(images().spec) });
    expect(a.issues).toContainEqual(expect.objectContaining({ nodeId: "in", code: "dataset_mismatch", message: expect.stringContaining("[4, 4, 1]") }));
  });

  it("name a Dataset node whose dataset does not exist", () => {
    const a = prepareParsedGraph(pipelineGraph([], "cifar-1000"), { catalog: lookup(images().spec) });
    expect(a.issues).toContainEqual(expect.objectContaining({ nodeId: "data", message: expect.stringContaining('no dataset named "cifar-1000"') }));
  });

  it("leave the dataset unchecked when the analysis has no catalog", () => {
    expect(analyzeGraph(pipelineGraph([], "cifar-1000")).ok).toBe(true);
  });

  it("require the chain to start at a Dataset", () => {
    const graph = pipelineGraph([{ id: "norm", type: "Normalize", params: {} }]);
    graph.edges = graph.edges.filter((e) => e.source !== "data");
    graph.nodes = graph.nodes.filter((n) => n.id !== "data");
    expect(analyzeGraph(graph).issues).toContainEqual(expect.objectContaining({ nodeId: "norm", message: expect.stringContaining("must start at a Dataset") }));
  });

  it("report data steps that do not lead to an Input", () => {
    const graph = pipelineGraph([]);
    graph.nodes.push({ id: "lost", type: "Dataset", params: {} }, { id: "split", type: "Split", params: {} });
    graph.edges.push({ source: "lost", target: "split", targetHandle: "data" });
    expect(analyzeGraph(graph).issues).toContainEqual(expect.objectContaining({ nodeId: "lost", message: expect.stringContaining("does not lead to an Input") }));
  });

  it("refuse flips and shifts on samples that are not images", () => {
    const flat: DatasetSpec = { ...images().spec, name: "flat", features: { shape: [16], dtype: "float32", scale: 1 } };
    const a = prepareParsedGraph(pipelineGraph([{ id: "aug", type: "Augmentation", params: {} }], "flat", [16]), { catalog: lookup(flat) });
    expect(a.issues).toContainEqual(expect.objectContaining({ nodeId: "aug", message: expect.stringContaining("need images") }));
  });

  it("turn numeric labels into classes with OneHot, so a classifier fits them", () => {
    const numeric = numericLabels().spec;
    expect(prepareParsedGraph(pipelineGraph([], "numeric"), { catalog: lookup(numeric) }).issues).toContainEqual(expect.objectContaining({ nodeId: "out", code: "dataset_mismatch" }));
    const a = prepareParsedGraph(pipelineGraph([{ id: "hot", type: "OneHot", params: { classes: 2 } }], "numeric"), { catalog: lookup(numeric) });
    expect(a.issues).toEqual([]);
    expect(a.fit.spec?.targets.classes).toBe(2);
  });

  it("refuse a split that leaves nothing to train on, naming the field", () => {
    const a = analyzeGraph(pipelineGraph([{ id: "split", type: "Split", params: { validation: 0.5, test: 0.5 } }]));
    expect(a.issues).toContainEqual(expect.objectContaining({ nodeId: "split", field: "params.test" }));
  });
});

describe("preparing data for training", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });

  const prepared = (steps: GraphNode[], dataset = images()) => {
    const analysis = analyzeGraph(pipelineGraph(steps, dataset.spec.name));
    return prepareData(tf, dataset, "categoricalCrossentropy", analysis.data, { ...DEFAULT_HYPERPARAMETERS, seed: 5 });
  };

  it("split into the Split node's validation and test shares", () => {
    const data = prepared([{ id: "split", type: "Split", params: { validation: 0.2, test: 0.1 } }]);
    expect([data.train.count, data.validation.count, data.test.count]).toEqual([70, 20, 10]);
    data.dispose();
  });

  it("use the job's validation share when there is no Split node", () => {
    const data = prepared([]);
    expect([data.train.count, data.validation.count, data.test.count]).toEqual([90, 10, 0]);
    data.dispose();
  });

  it("normalize every part with statistics of the training part only", () => {
    const data = prepared([{ id: "norm", type: "Normalize", params: { method: "standard", over: "all" } }]);
    const trainMoments = tf.moments(data.train.x);
    expect(trainMoments.mean.dataSync()[0]).toBeCloseTo(0, 5);
    expect(Math.sqrt(trainMoments.variance.dataSync()[0] as number)).toBeCloseTo(1, 4);
    const raw = prepared([]);
    const { mean, variance } = tf.moments(raw.train.x);
    const expected = raw.validation.x.sub(mean).div(variance.sqrt().add(1e-7));
    expect(Array.from(data.validation.x.dataSync())).toEqual(Array.from(expected.dataSync()).map((v) => expect.closeTo(v, 5)));
    tf.dispose([trainMoments.mean, trainMoments.variance, mean, variance, expected]);
    data.dispose();
    raw.dispose();
  });

  it("scale into [0, 1] per channel with min-max", () => {
    const data = prepared([{ id: "norm", type: "Normalize", params: { method: "minmax", over: "channel" } }]);
    expect(data.train.x.min().dataSync()[0]).toBeCloseTo(0, 5);
    expect(data.train.x.max().dataSync()[0]).toBeCloseTo(1, 5);
    data.dispose();
  });

  it("flip each training image left–right or leave it, at random", () => {
    const data = prepared([{ id: "aug", type: "Augmentation", params: { flipHorizontal: true, maxShift: 0 } }]);
    const x = data.train.x.slice(0, 32);
    const out = data.augment?.(x, 11) as ReturnType<typeof tf.tensor>;
    const same = tf.all(tf.equal(out, x), [1, 2, 3]).dataSync();
    const mirrored = tf.all(tf.equal(out, tf.reverse(x, 2)), [1, 2, 3]).dataSync();
    expect(Array.from(same).every((s, i) => s || mirrored[i])).toBe(true);
    expect(Array.from(same).filter(Boolean).length).toBeGreaterThan(0);
    expect(Array.from(mirrored).filter(Boolean).length).toBeGreaterThan(0);
    tf.dispose([x, out]);
    data.dispose();
  });

  it("shift training images by whole pixels within the limit, filling with zeros", () => {
    const data = prepared([{ id: "aug", type: "Augmentation", params: { flipHorizontal: false, maxShift: 1 } }]);
    const x = data.train.x.slice(0, 8);
    const out = data.augment?.(x, 3) as ReturnType<typeof tf.tensor>;
    const images = x.arraySync() as number[][][][];
    const shifted = out.arraySync() as number[][][][];
    const shiftOf = (a: number[][][], b: number[][][], dy: number, dx: number) => b.every((row, i) => row.every((px, j) => (px[0] as number) === (a[i + dy]?.[j + dx]?.[0] ?? 0)));
    const offsets = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => [dy, dx] as const));
    shifted.forEach((image, n) => expect(offsets.some(([dy, dx]) => shiftOf(images[n] as number[][][], image, dy, dx))).toBe(true));
    tf.dispose([x, out]);
    data.dispose();
  });

  it("refuse to train a graph whose Dataset node names another dataset", async () => {
    const graph = pipelineGraph([], "mnist-digits");
    await expect(trainGraph({ tf, graph, hyperparameters: DEFAULT_HYPERPARAMETERS, dataset: images() })).rejects.toThrow(GraphCompileError);
    await expect(trainGraph({ tf, graph, hyperparameters: DEFAULT_HYPERPARAMETERS, dataset: images() })).rejects.toThrow(/"data" \(Dataset\) names "mnist-digits"/);
  });

  it("score the test part once, after training", async () => {
    const graph = pipelineGraph([
      { id: "split", type: "Split", params: { validation: 0.2, test: 0.2 } },
      { id: "norm", type: "Normalize", params: {} },
      { id: "aug", type: "Augmentation", params: { maxShift: 1 } },
    ]);
    const result = await trainGraph({ tf, graph, hyperparameters: { ...DEFAULT_HYPERPARAMETERS, epochs: 2, batchSize: 16 }, dataset: images() });
    disposeModel(result.model);
    expect(Object.keys(result.finalMetrics)).toEqual(expect.arrayContaining(["loss", "val_loss", "test_loss", "test_accuracy"]));
    expect(result.epochs.every((e) => !("test_loss" in e.metrics))).toBe(true);
  });

  it("train with OneHot on numeric labels", async () => {
    const result = await trainGraph({
      tf,
      graph: pipelineGraph([{ id: "hot", type: "OneHot", params: { classes: 2 } }], "numeric"),
      hyperparameters: { ...DEFAULT_HYPERPARAMETERS, epochs: 1 },
      dataset: numericLabels(),
    });
    disposeModel(result.model);
    expect(result.finalMetrics.accuracy).toBeGreaterThan(0);
  });

  it("frees every tensor it made", async () => {
    const before = tf.memory().numTensors;
    const data = prepared([
      { id: "split", type: "Split", params: { test: 0.1 } },
      { id: "norm", type: "Normalize", params: {} },
      { id: "aug", type: "Augmentation", params: { maxShift: 2, noise: 0.1 } },
    ]);
    tf.dispose(data.augment?.(data.train.x, 1));
    data.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
