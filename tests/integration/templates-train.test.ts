import { beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../../lib/data/dataset-format";
import { prepareParsedGraph } from "../../lib/graph/prepare";
import { findTemplate, templates } from "../../lib/graph/templates";
import { tf } from "../../lib/train/runtime-tf";
import { disposeModel, trainGraph } from "../../lib/train/train-loop";
import { buildBuiltinDatasets } from "../../lib/data/builtin";

/** The first n samples of a dataset (every built-in dataset is stored shuffled or balanced by position). */
function head(dataset: Dataset, n: number): Dataset {
  const count = Math.min(n, dataset.spec.count);
  const features = dataset.spec.features.shape.reduce((a, b) => a * b, 1);
  const targets = dataset.spec.targets.shape.reduce((a, b) => a * b, 1);
  return { spec: { ...dataset.spec, count }, features: dataset.features.subarray(0, count * features), targets: dataset.targets.subarray(0, count * targets) };
}

describe("the built-in templates", () => {
  const datasets = new Map<string, Dataset>();
  beforeAll(async () => {
    await tf.setBackend("wasm");
    for (const d of await buildBuiltinDatasets()) datasets.set(d.spec.name, d);
  });

  it("number at least twenty, each with a dataset that ships", () => {
    expect(templates.length).toBeGreaterThanOrEqual(20);
    for (const t of templates) expect(datasets.has(t.dataset), `${t.id} → ${t.dataset}`).toBe(true);
  });

  it.each(templates.map((t) => [t.id]))("%s fits its dataset and trains an epoch on it", async (id) => {
    const template = findTemplate(id);
    if (!template) throw new Error(id);
    const dataset = datasets.get(template.dataset) as Dataset;
    expect(prepareParsedGraph(template.graph, { dataset: dataset.spec }).issues).toEqual([]);
    const result = await trainGraph({
      tf,
      graph: template.graph,
      hyperparameters: { ...template.hyperparameters, epochs: 1, batchSize: 32, validationSplit: 0.25, seed: 3 },
      dataset: head(dataset, 384),
    });
    disposeModel(result.model);
    expect(Number.isFinite(result.finalMetrics.loss)).toBe(true);
    expect(Number.isFinite(result.finalMetrics.val_loss)).toBe(true);
  });

  it.each(["mlp-digits", "cnn-digits", "augmented-cnn-digits"])("%s learns the digits well above chance", async (id) => {
    const template = findTemplate(id);
    if (!template) throw new Error(id);
    const result = await trainGraph({
      tf,
      graph: template.graph,
      hyperparameters: { epochs: 2, batchSize: 32, learningRate: 0.003, optimizer: "adam", validationSplit: 0.2, seed: 5 },
      dataset: head(datasets.get("mnist-digits") as Dataset, 3000),
    });
    disposeModel(result.model);
    expect(result.finalMetrics.val_accuracy).toBeGreaterThan(0.6);
  });
});
