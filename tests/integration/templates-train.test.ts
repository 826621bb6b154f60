import { beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../../lib/data/dataset-format";
import { templates } from "../../lib/graph/templates";
import { tf } from "../../lib/train/runtime-tf";
import { disposeModel, trainGraph } from "../../lib/train/train-loop";
import { buildDigits } from "../../server/datasets/digits";

/** The first n samples of a dataset (the digits are stored shuffled, so any prefix is balanced). */
function head(dataset: Dataset, n: number): Dataset {
  const per = dataset.spec.features.shape.reduce((a, b) => a * b, 1);
  return { spec: { ...dataset.spec, count: n }, features: dataset.features.subarray(0, n * per), targets: dataset.targets.subarray(0, n) };
}

describe("every built-in template trains on the wasm backend", () => {
  let digits: Dataset;
  beforeAll(async () => {
    await tf.setBackend("wasm");
    digits = head((await buildDigits()).train, 3000);
  });

  it.each(templates.map((t) => [t.id, t]))("%s learns the digits well above chance", async (_id, template) => {
    const result = await trainGraph({
      tf,
      graph: template.graph,
      hyperparameters: { epochs: 2, batchSize: 32, learningRate: 0.003, optimizer: "adam", validationSplit: 0.2, seed: 5 },
      dataset: digits,
    });
    disposeModel(result.model);
    expect(result.finalMetrics.val_accuracy).toBeGreaterThan(0.6);
  });
});
