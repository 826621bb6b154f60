import { describe, expect, it } from "vitest";
import type { Dataset } from "../dataset-format";
import { classBalance, previewRows, splitCounts, targetStats } from "./summary";

const labelled: Dataset = {
  spec: {
    name: "labelled",
    task: "classification",
    count: 4,
    features: { shape: [2], dtype: "float32", scale: 1 },
    targets: { shape: [], dtype: "int32", classes: 3, classNames: ["a", "b", "c"] },
  },
  features: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
  targets: Int32Array.from([0, 1, 0, 0]),
};

const measured: Dataset = {
  spec: { name: "measured", task: "regression", count: 4, features: { shape: [1], dtype: "float32", scale: 1 }, targets: { shape: [], dtype: "float32" } },
  features: Float32Array.from([0, 1, 2, 3]),
  targets: Float32Array.from([2, 4, 4, 6]),
};

const pictures: Dataset = {
  spec: {
    name: "pictures",
    task: "classification",
    count: 2,
    features: { shape: [1, 2, 1], dtype: "uint8", scale: 1 / 255 },
    targets: { shape: [], dtype: "int32", classes: 2 },
  },
  features: Uint8Array.from([10, 20, 30, 40]),
  targets: Int32Array.from([1, 0]),
};

describe("classBalance", () => {
  it("counts each class with its share, including classes without samples", () => {
    expect(classBalance(labelled)).toEqual([
      { label: "a", count: 3, share: 0.75 },
      { label: "b", count: 1, share: 0.25 },
      { label: "c", count: 0, share: 0 },
    ]);
  });

  it("labels classes by index when the dataset has no class names", () => {
    expect(classBalance(pictures).map((c) => c.label)).toEqual(["0", "1"]);
  });

  it("takes the class count from the largest index when none is declared", () => {
    const undeclared = { ...pictures, spec: { ...pictures.spec, targets: { shape: [], dtype: "int32" as const } }, targets: Int32Array.from([2, 0]) };
    expect(classBalance(undeclared).map((c) => c.count)).toEqual([1, 0, 1]);
  });

  it("refuses a regression dataset, which has no classes", () => {
    expect(() => classBalance(measured)).toThrow('"measured" is a regression dataset; it has no classes');
  });

  it("refuses targets that are not one class index per sample", () => {
    const oneHot = { ...labelled, spec: { ...labelled.spec, targets: { shape: [3], dtype: "int32" as const } } };
    expect(() => classBalance(oneHot)).toThrow("not one class index per sample");
  });
});

describe("targetStats", () => {
  it("gives the minimum, maximum, mean and population standard deviation", () => {
    expect(targetStats(measured)).toEqual({ min: 2, max: 6, mean: 4, std: Math.sqrt(2) });
  });

  it("refuses a classification dataset", () => {
    expect(() => targetStats(labelled)).toThrow('"labelled" is a classification dataset; use classBalance');
  });
});

describe("previewRows", () => {
  it("gives the first rows' features followed by their target", () => {
    expect(previewRows(labelled, 2)).toEqual([
      [1, 2, 0],
      [3, 4, 1],
    ]);
  });

  it("gives every row when the limit is past the end", () => {
    expect(previewRows(measured, 10)).toHaveLength(4);
  });

  it("gives only the targets of an image dataset", () => {
    expect(previewRows(pictures, 5)).toEqual([[1], [0]]);
  });

  it("refuses a limit that is not a non-negative integer", () => {
    expect(() => previewRows(labelled, -1)).toThrow("limit must be a non-negative integer, not -1");
  });
});

describe("splitCounts", () => {
  it("rounds the held-out parts down and trains on the rest", () => {
    expect(splitCounts(101, 0.1, 0.2)).toEqual({ train: 71, validation: 10, test: 20 });
  });

  it("puts everything in training when nothing is held out", () => {
    expect(splitCounts(5, 0, 0)).toEqual({ train: 5, validation: 0, test: 0 });
  });

  it("refuses a share outside [0, 1)", () => {
    expect(() => splitCounts(10, 1, 0)).toThrow("the validation share must be at least 0 and below 1, not 1");
  });

  it("refuses a share that is not a number", () => {
    expect(() => splitCounts(10, 0.1, Number.NaN)).toThrow("the test share must be at least 0 and below 1, not NaN");
  });

  it("refuses shares that leave nothing to train on", () => {
    expect(() => splitCounts(10, 0.5, 0.5)).toThrow("validation + test must be below 1 to leave samples to train on, not 1");
  });

  it("refuses a count that is not a non-negative integer", () => {
    expect(() => splitCounts(2.5, 0.1, 0)).toThrow("the sample count must be a non-negative integer, not 2.5");
  });
});
