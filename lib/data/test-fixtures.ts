import type { Dataset, DatasetSpec } from "./dataset-format";

/** Two labelled 2-D points, classes "no" and "yes": the smallest real classification dataset, for tests. */
export function labelledPairs(name = "pairs", description?: string): Dataset {
  return {
    spec: {
      name,
      ...(description === undefined ? {} : { description }),
      task: "classification",
      count: 2,
      features: { shape: [2], dtype: "float32", scale: 1 },
      targets: { shape: [], dtype: "int32", classes: 2, classNames: ["no", "yes"] },
    },
    features: Float32Array.from([0, 1, 1, 0]),
    targets: Int32Array.from([1, 0]),
  };
}

/** The spec of handwritten digits (28×28 bytes of pixels, 10 classes), `count` of them. */
export function digitsSpec(count: number): DatasetSpec {
  return {
    name: "digits",
    task: "classification",
    count,
    features: { shape: [28, 28, 1], dtype: "uint8", scale: 1 / 255 },
    targets: { shape: [], dtype: "uint8", classes: 10 },
  };
}
