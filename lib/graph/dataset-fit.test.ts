import { describe, expect, it } from "vitest";
import { digitsSpec } from "../data/test-fixtures";
import { analyzeGraph } from "./analyze";
import { checkDatasetFit } from "./dataset-fit";
import { chain } from "./templates/template";

const digits = digitsSpec(10);

const model = (inputShape: number[], units: number, loss = "categoricalCrossentropy") =>
  analyzeGraph(
    chain("m", [
      { id: "in", type: "Input", params: { shape: inputShape } },
      { id: "flat", type: "Flatten", params: {} },
      { id: "head", type: "Dense", params: { units, activation: "softmax" } },
      { id: "out", type: "Output", params: { loss } },
    ]),
  );

describe("checkDatasetFit", () => {
  it("accepts a graph whose input and output match the dataset", () => {
    expect(checkDatasetFit(model([28, 28, 1], 10), digits)).toEqual([]);
  });

  it("names the Input when its shape differs from the samples", () => {
    const [issue] = checkDatasetFit(model([784], 10), digits);
    expect(issue).toMatchObject({ code: "dataset_mismatch", nodeId: "in", field: "params.shape" });
  });

  it("names the Output when it does not produce one score per class", () => {
    const [issue] = checkDatasetFit(model([28, 28, 1], 7), digits);
    expect(issue).toMatchObject({ code: "dataset_mismatch", nodeId: "out" });
    expect(issue?.message).toContain("[10]");
  });

  it("refuses binary cross-entropy on a ten-class dataset", () => {
    const [issue] = checkDatasetFit(model([28, 28, 1], 1, "binaryCrossentropy"), digits);
    expect(issue).toMatchObject({ nodeId: "out", field: "params.loss" });
  });
});
