import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { pythonWithTorch } from "../../tests/helpers/python";
import { REPO_ROOT } from "../../tests/helpers/server-process";
import { encodeDataset, type Dataset } from "../data/dataset-format";
import { seededRandom } from "../data/random";
import { analyzeGraph } from "../graph/analyze";
import { GRAPH_FORMAT, GRAPH_VERSION, type ModelGraph } from "../graph/types";
import { prepareData } from "../train/data-pipeline";
import { DEFAULT_HYPERPARAMETERS } from "../job/hyperparameters";
import { tf } from "../train/runtime-tf";
import { generateCode } from "./index";

const OUT = path.join(REPO_ROOT, "test-results", "codegen-data");
const SEED = 5;

function tinyImages(count = 100): Dataset {
  const random = seededRandom(3);
  const features = Uint8Array.from({ length: count * 16 }, () => Math.floor(random() * 256));
  const targets = Uint8Array.from({ length: count }, (_, i) => (features.subarray(i * 16, i * 16 + 16).reduce((a, b) => a + b, 0) > 16 * 128 ? 1 : 0));
  return {
    spec: { name: "tiny-images", task: "classification", count, features: { shape: [4, 4, 1], dtype: "uint8", scale: 1 / 255 }, targets: { shape: [], dtype: "uint8", classes: 2 } },
    features,
    targets,
  };
}

/** Dataset → Split → Normalize → Augmentation → Input [4,4,1] → Conv2D → Flatten → Dense(2) → Output. */
const graph: ModelGraph = {
  format: GRAPH_FORMAT,
  version: GRAPH_VERSION,
  name: "pipeline CNN",
  nodes: [
    { id: "data", type: "Dataset", params: { name: "tiny-images" } },
    { id: "split", type: "Split", params: { validation: 0.2, test: 0.1 } },
    { id: "norm", type: "Normalize", params: { method: "standard", over: "all" } },
    { id: "aug", type: "Augmentation", params: { flipHorizontal: true, maxShift: 1, noise: 0.01 } },
    { id: "in", type: "Input", params: { shape: [4, 4, 1] } },
    { id: "conv", type: "Conv2D", params: { filters: 2, kernelSize: [3, 3], padding: "same", activation: "relu" } },
    { id: "flat", type: "Flatten", params: {} },
    { id: "dense", type: "Dense", params: { units: 2, activation: "softmax" } },
    { id: "out", type: "Output", params: { loss: "categoricalCrossentropy" } },
  ],
  edges: [
    { source: "data", target: "split", targetHandle: "data" },
    { source: "split", target: "norm", targetHandle: "data" },
    { source: "norm", target: "aug", targetHandle: "data" },
    { source: "aug", target: "in", targetHandle: "data" },
    { source: "in", target: "conv" },
    { source: "conv", target: "flat" },
    { source: "flat", target: "dense" },
    { source: "dense", target: "out" },
  ],
};

describe("exported data pipelines", () => {
  const dataset = tinyImages();
  const file = (name: string) => path.join(OUT, name);

  beforeAll(async () => {
    await tf.setBackend("cpu");
    mkdirSync(OUT, { recursive: true });
    writeFileSync(file("tiny-images.cxds"), encodeDataset(dataset));
    writeFileSync(file("pipeline_torch.py"), generateCode(graph, "pytorch", { optimizer: "adam", learningRate: 0.01, epochs: 1, batchSize: 16 }));
    writeFileSync(file("pipeline_keras.py"), generateCode(graph, "keras"));
    writeFileSync(file("pipeline.mjs"), generateCode(graph, "tfjs"));
  });

  it("PyTorch: reads the dataset file, splits and normalizes it as the graph says, and trains on it", () => {
    const driver = `
import importlib.util, json, sys
import numpy as np
spec = importlib.util.spec_from_file_location("generated", "pipeline_torch.py")
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
(x_train, y_train), (x_val, y_val), (x_test, y_test) = m.prepare_data(${SEED})
augmented = m.augment(x_train[:8], np.random.default_rng(0))
loss = m.train(epochs=1, batch_size=16)
print(json.dumps({"counts": [len(x_train), len(x_val), len(x_test)], "mean": float(x_train.mean()), "std": float(x_train.std()),
    "targets": list(y_train.shape), "augmented": list(augmented.shape), "loss": loss}))
`;
    const stdout = execFileSync(pythonWithTorch(), ["-c", driver], { cwd: OUT, encoding: "utf8" });
    const result = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    expect(result).toMatchObject({ counts: [70, 20, 10], targets: [70, 2], augmented: [8, 4, 4, 1] });
    expect(result.mean).toBeCloseTo(0, 4);
    expect(result.std).toBeCloseTo(1, 4);
    expect(Number.isFinite(result.loss)).toBe(true);
  });

  it("Keras: is valid Python that fits on the prepared, augmented data", () => {
    execFileSync(pythonWithTorch(), ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", file("pipeline_keras.py")]);
    const keras = generateCode(graph, "keras");
    expect(keras).toContain("def prepare_data(seed=0):");
    expect(keras).toContain("yield augment(x_train[batch], rng), y_train[batch]");
  });

  it("TensorFlow.js: splits exactly as a CyxWiz job with the same seed, with training statistics", async () => {
    const cwd = process.cwd();
    process.chdir(OUT);
    try {
      const generated = (await import(pathToFileURL(file("pipeline.mjs")).href)) as {
        prepareData(seed: number): Promise<Record<"xTrain" | "yTrain" | "xVal" | "xTest", tf.Tensor>>;
        augment(x: tf.Tensor, seed: number): tf.Tensor;
      };
      const exported = await generated.prepareData(SEED);
      const runtime = prepareData(tf, dataset, "categoricalCrossentropy", analyzeGraph(graph).data, { ...DEFAULT_HYPERPARAMETERS, seed: SEED });
      expect(exported.xTrain.shape).toEqual(runtime.train.x.shape);
      expect(tf.max(tf.abs(exported.xTrain.sub(runtime.train.x))).dataSync()[0]).toBeLessThan(1e-5);
      expect(Array.from(exported.yTrain.dataSync())).toEqual(Array.from(runtime.train.y.dataSync()));
      expect(tf.max(tf.abs(exported.xTest.sub(runtime.test.x))).dataSync()[0]).toBeLessThan(1e-5);
      expect(generated.augment(exported.xTrain.slice(0, 8), 1).shape).toEqual([8, 4, 4, 1]);
      runtime.dispose();
    } finally {
      process.chdir(cwd);
    }
  });
});
