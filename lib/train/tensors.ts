import type * as tfjs from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset-format";
import type { LossName } from "../graph/layers/output";

export interface DatasetTensors {
  x: tfjs.Tensor;
  y: tfjs.Tensor;
  count: number;
}

/**
 * The dataset as model-ready tensors: features scaled to floats, targets in the form the loss
 * expects (one-hot for categorical losses and for regression on class labels, indices for sparse).
 */
export function datasetTensors(tf: typeof tfjs, dataset: Dataset, loss: LossName): DatasetTensors {
  const { spec } = dataset;
  return tf.tidy(() => {
    const raw = tf.tensor(dataset.features, [spec.count, ...spec.features.shape], spec.features.dtype === "float32" ? "float32" : "int32");
    // Integer features at scale 1 are token ids (for embeddings): they stay integers.
    const tokens = spec.features.dtype === "int32" && spec.features.scale === 1;
    const x = tokens ? raw : spec.features.scale === 1 ? raw.toFloat() : raw.toFloat().mul(spec.features.scale);
    const labels = tf.tensor(dataset.targets, [spec.count, ...spec.targets.shape], spec.targets.dtype === "float32" ? "float32" : "int32");
    let y: tfjs.Tensor;
    if (spec.task === "classification" && spec.targets.classes !== undefined) {
      if (loss === "sparseCategoricalCrossentropy") y = labels.toFloat().reshape([spec.count, 1]);
      else if (loss === "binaryCrossentropy") y = labels.toFloat().reshape([spec.count, 1]);
      else y = tf.oneHot(labels.toInt().reshape([spec.count]), spec.targets.classes).toFloat();
    } else {
      y = spec.targets.shape.length === 0 ? labels.toFloat().reshape([spec.count, 1]) : labels.toFloat();
    }
    return { x, y, count: spec.count };
  });
}
