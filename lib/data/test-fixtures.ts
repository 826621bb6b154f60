import type { Dataset, DatasetSpec } from "./dataset-format";
import { seededRandom } from "./random";

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

/** Three well-separated Gaussian blobs in 2-D: any working trainer gets them right. */
export function blobs(count: number): Dataset {
  const random = seededRandom(3);
  const centres = [[-2, -2], [2, -2], [0, 2]] as const;
  const features = new Float32Array(count * 2);
  const targets = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    const [cx, cy] = centres[label] as readonly [number, number];
    features[2 * i] = cx + (random() - 0.5);
    features[2 * i + 1] = cy + (random() - 0.5);
    targets[i] = label;
  }
  return {
    spec: { name: "blobs", task: "classification", count, features: { shape: [2], dtype: "float32", scale: 1 }, targets: { shape: [], dtype: "uint8", classes: 3 } },
    features,
    targets,
  };
}
