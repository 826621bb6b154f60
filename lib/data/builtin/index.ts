import type { Dataset } from "../dataset-format";
import { buildDigits } from "./digits";
import { friedman1, tinyStories, tokenTopics, twoMoons } from "./synthetic";

/**
 * The datasets that ship with CyxWiz, built deterministically (identical bytes, so identical
 * hashes, on every machine): handwritten digits from the mnist package, a reconstruction variant
 * for autoencoders, standard synthetic benchmarks for binary classification, regression and
 * sequence classification, and a small text corpus for character-level language models.
 */
export async function buildBuiltinDatasets(): Promise<Dataset[]> {
  const digits = await buildDigits();
  return [digits.train, digits.test, digitReconstruction(digits.train), twoMoons(), friedman1(), tokenTopics(), tinyStories()];
}

/** The first 2,000 training digits with themselves as targets (pixels in 0–1), for autoencoders. */
function digitReconstruction(train: Dataset, count = 2000): Dataset {
  const pixels = train.spec.features.shape.reduce((a, b) => a * b, 1);
  const features = train.features.slice(0, count * pixels);
  const targets = Float32Array.from(features, (v) => v / 255);
  return {
    spec: {
      name: "mnist-reconstruction",
      description: "2,000 handwritten digits whose targets are the images themselves (for autoencoders)",
      task: "regression",
      count,
      features: train.spec.features,
      targets: { shape: train.spec.features.shape, dtype: "float32" },
    },
    features,
    targets,
  };
}
