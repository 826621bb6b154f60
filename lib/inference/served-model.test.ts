import { beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../data/dataset-format";
import { labelledPairs } from "../data/test-fixtures";
import { chain, node } from "../graph/templates/template";
import { tinyStories } from "../data/builtin/synthetic";
import { charGruStories } from "../graph/templates/sequence-classifiers";
import { exportModel } from "../train/export";
import type { Hyperparameters } from "../job/hyperparameters";
import { tf } from "../train/runtime-tf";
import { disposeModel, trainGraph } from "../train/train-loop";
import type { ModelGraph } from "../graph/types";
import { InferenceInputError, ServedModel } from "./served-model";

async function trainAndServe(graph: ModelGraph, dataset: Dataset, hp: Partial<Hyperparameters> = {}): Promise<ServedModel> {
  const result = await trainGraph({ tf, graph, dataset, hyperparameters: { epochs: 1, batchSize: 32, learningRate: 0.01, optimizer: "adam", validationSplit: 0, seed: 3, ...hp } });
  const { modelJson, weights } = await exportModel(tf, result.model);
  disposeModel(result.model);
  return ServedModel.load(tf, { deploymentId: "d", modelJson: modelJson as never, weights, dataset: dataset.spec });
}

describe("a served model", () => {
  let classifier: ServedModel;
  let writer: ServedModel;
  beforeAll(async () => {
    await tf.setBackend("cpu");
    const pairs = labelledPairs();
    classifier = await trainAndServe(
      chain("pairs", [
        node("in", "Input", { shape: [2] }),
        node("hidden", "Dense", { units: 4, activation: "relu" }),
        node("head", "Dense", { units: 2, activation: "softmax" }),
        node("out", "Output"),
      ]),
      pairs,
    );
    writer = await trainAndServe(charGruStories.graph, tinyStories(12), { batchSize: 64 });
  });

  it("predicts class probabilities with the class names", async () => {
    const result = await classifier.run({
      kind: "predict",
      inputs: [
        [0, 1],
        [1, 0],
      ],
    });
    expect(result).toMatchObject({ kind: "predict", labels: [expect.stringMatching(/^(no|yes)$/), expect.stringMatching(/^(no|yes)$/)] });
    if (result.kind !== "predict") throw new Error("not a prediction");
    for (const row of result.outputs) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it("reads CSV rows as samples", async () => {
    const result = await classifier.run({ kind: "predict", csv: "x,y\n0,1\n1,0\n" });
    expect(result.kind === "predict" && result.outputs).toHaveLength(2);
  });

  it("names the sample of the wrong size, and the CSV cell that is not a number", async () => {
    await expect(classifier.run({ kind: "predict", inputs: [[0, 1, 2]] })).rejects.toThrow(/input 0: expected 2 numbers/);
    await expect(classifier.run({ kind: "predict", csv: "0,1\n1,oops" })).rejects.toThrow(/csv row 2, column 2/);
    await expect(classifier.run({ kind: "complete", prompt: "hi", maxTokens: 3, temperature: 0, seed: 1, stop: [] })).rejects.toBeInstanceOf(InferenceInputError);
  });

  it("completes text one character at a time, from the model's vocabulary", async () => {
    const pieces: string[] = [];
    const result = await writer.run({ kind: "complete", prompt: "the cat ", maxTokens: 12, temperature: 0.8, seed: 5, stop: [] }, (t) => pieces.push(t));
    if (result.kind !== "complete") throw new Error("not a completion");
    expect(result.text).toHaveLength(12);
    expect(pieces.join("")).toBe(result.text);
    expect(result).toMatchObject({ promptTokens: 8, completionTokens: 12, finishReason: "length" });
    const again = await writer.run({ kind: "complete", prompt: "the cat ", maxTokens: 12, temperature: 0.8, seed: 5, stop: [] });
    expect(again.kind === "complete" && again.text).toBe(result.text);
  });

  it("embeds texts as the model's representation before its head", async () => {
    const result = await writer.run({ kind: "embed", inputs: ["the cat", "a dog"] });
    if (result.kind !== "embed") throw new Error("not embeddings");
    expect(result.embeddings.map((e) => e.length)).toEqual([48, 48]);
    expect(result.tokens).toBe(12);
  });
});
