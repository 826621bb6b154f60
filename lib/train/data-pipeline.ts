import type * as tfjs from "@tensorflow/tfjs";
import type { Dataset, DatasetSpec } from "../data/dataset-format";
import { seededRandom, shuffledIndices } from "../data/random";
import type { AnalyzedComponent, DataPipeline } from "../graph/analyze";
import { ShapeError } from "../graph/layer";
import type { LossName } from "../graph/layers/output";
import { GraphCompileError } from "./compile";
import type { Hyperparameters } from "./hyperparameters";
import { datasetTensors } from "./tensors";

export interface DataPart {
  x: tfjs.Tensor;
  y: tfjs.Tensor;
  count: number;
}

/** The dataset as the model trains on it: split, preprocessed, with the augmentation for training batches. */
export interface PreparedData {
  train: DataPart;
  validation: DataPart;
  test: DataPart;
  /** Applies the pipeline's augmentation steps to one training batch (a new tensor), if it has any. */
  augment?: (x: tfjs.Tensor, seed: number) => tfjs.Tensor;
  dispose(): void;
}

/**
 * Runs a graph's data pipeline on the job's dataset: relabelling steps, the split (the Split node's,
 * else the job's validation share, shuffled with the job's seed), steps fitted on the training part
 * and applied to all parts, and augmentation kept for the training loop. Without a pipeline the
 * dataset is used as it is, split by the job's settings.
 */
export function prepareData(tf: typeof tfjs, dataset: Dataset, loss: LossName, pipeline: DataPipeline | undefined, hp: Hyperparameters): PreparedData {
  const steps = pipeline?.steps ?? [];
  const spec = relabelled(dataset.spec, steps, pipeline?.dataset);
  const all = datasetTensors(tf, { ...dataset, spec }, loss);
  const splitStep = steps.find((s) => s.definition.data?.split);
  const fractions = splitStep?.definition.data?.split?.(splitStep.params) ?? { validation: hp.validationSplit, test: 0 };
  const order = shuffledIndices(all.count, seededRandom(hp.seed));
  const valCount = Math.floor(all.count * fractions.validation);
  const testCount = Math.floor(all.count * fractions.test);
  const part = (indices: Int32Array): DataPart =>
    tf.tidy(() => {
      const idx = tf.tensor1d(indices, "int32");
      return { x: tf.gather(all.x, idx), y: tf.gather(all.y, idx), count: indices.length };
    });
  const parts = {
    validation: part(order.subarray(0, valCount)),
    test: part(order.subarray(valCount, valCount + testCount)),
    train: part(order.subarray(valCount + testCount)),
  };
  tf.dispose([all.x, all.y]);

  for (const step of steps) {
    const fitted = step.definition.data?.fit?.(tf, parts.train.x, step.params);
    if (!fitted) continue;
    for (const p of Object.values(parts)) {
      const before = p.x;
      p.x = fitted.apply(before);
      before.dispose();
    }
    fitted.dispose();
  }

  const augmenting = steps.filter((s) => s.definition.data?.augment);
  const augment = augmenting.length
    ? (x: tfjs.Tensor, seed: number) =>
        tf.tidy(() => augmenting.reduce((batch, step, i) => step.definition.data?.augment?.(tf, batch, step.params, seed + i * 7919) ?? batch, x))
    : undefined;
  return { ...parts, augment, dispose: () => tf.dispose(Object.values(parts).flatMap((p) => [p.x, p.y])) };
}

/**
 * The dataset's description after the pipeline's steps (a OneHot makes labels classes); the
 * pipeline must name this dataset. Problems name the step's node.
 */
function relabelled(spec: DatasetSpec, steps: AnalyzedComponent[], named: string | undefined): DatasetSpec {
  if (named !== undefined && named !== spec.name) {
    throw new GraphCompileError(`node "${steps[0]?.node.id}" (Dataset) names "${named}" but this job trains on "${spec.name}"`);
  }
  const lookup = (name: string) => (name === spec.name ? spec : undefined);
  return steps.reduce((current, step) => {
    try {
      return step.definition.data?.spec(current, step.params, lookup) ?? current;
    } catch (error) {
      if (error instanceof ShapeError) throw new GraphCompileError(`node "${step.node.id}" (${step.node.type}): ${error.message}`);
      throw error;
    }
  }, spec);
}
