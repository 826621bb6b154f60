import type * as tfjs from "@tensorflow/tfjs";
import type { Dataset, DatasetSpec } from "../data/dataset-format";
import { seededRandom, shuffledIndices } from "../data/random";
import type { AnalyzedComponent, DataPipeline } from "../graph/analyze";
import type { FittedTransform, SplitFractions } from "../graph/component";
import { ShapeError } from "../graph/layer";
import type { LossName } from "../graph/layers/output";
import { GraphCompileError } from "./compile";
import type { Hyperparameters } from "../job/hyperparameters";
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

/** What a graph's data pipeline does, before any data is seen. */
export interface PipelinePlan {
  /** The dataset's spec after relabelling steps. */
  spec: DatasetSpec;
  /** Shares held out: the Split node's, else the job's validation share. */
  fractions: SplitFractions;
  /** The steps fitted on training features (normalisation and the like), in order. */
  fitting: AnalyzedComponent[];
  augment?: (x: tfjs.Tensor, seed: number) => tfjs.Tensor;
}

export function planPipeline(tf: typeof tfjs, spec: DatasetSpec, pipeline: DataPipeline | undefined, hp: Hyperparameters): PipelinePlan {
  const steps = pipeline?.steps ?? [];
  const splitStep = steps.find((s) => s.definition.data?.split);
  const augmenting = steps.filter((s) => s.definition.data?.augment);
  return {
    spec: relabelled(spec, steps, pipeline?.dataset),
    fractions: splitStep?.definition.data?.split?.(splitStep.params) ?? { validation: hp.validationSplit, test: 0 },
    fitting: steps.filter((s) => s.definition.data?.fit),
    augment: augmenting.length ? (x, seed) => tf.tidy(() => augmenting.reduce((batch, step, i) => step.definition.data?.augment?.(tf, batch, step.params, seed + i * 7919) ?? batch, x)) : undefined,
  };
}

/** Fits each step on the training features as the steps before it left them; the result applies them all. */
export function fitSteps(tf: typeof tfjs, plan: PipelinePlan, trainX: tfjs.Tensor): FittedTransform {
  const fitted: FittedTransform[] = [];
  let x = trainX;
  for (const step of plan.fitting) {
    const transform = step.definition.data?.fit?.(tf, x, step.params) as FittedTransform;
    fitted.push(transform);
    const next = transform.apply(x);
    if (x !== trainX) x.dispose();
    x = next;
  }
  if (x !== trainX) x.dispose();
  return {
    apply: (input) =>
      fitted.reduce((current, transform) => {
        const next = transform.apply(current);
        if (current !== input) current.dispose();
        return next;
      }, input),
    dispose: () => fitted.forEach((f) => f.dispose()),
  };
}

/** A sample's part by its place in a seeded shuffle: validation first, then test, then training. */
export function splitOrder(count: number, fractions: SplitFractions, seed: number): Record<"validation" | "test" | "train", Int32Array> {
  const order = shuffledIndices(count, seededRandom(seed));
  const valCount = Math.floor(count * fractions.validation);
  const testCount = Math.floor(count * fractions.test);
  return {
    validation: order.subarray(0, valCount),
    test: order.subarray(valCount, valCount + testCount),
    train: order.subarray(valCount + testCount),
  };
}

/** The rows of a tensor pair at the given indices. */
export function gatherPart(tf: typeof tfjs, all: { x: tfjs.Tensor; y: tfjs.Tensor }, indices: Int32Array): DataPart {
  return tf.tidy(() => {
    const idx = tf.tensor1d(indices, "int32");
    return { x: tf.gather(all.x, idx), y: tf.gather(all.y, idx), count: indices.length };
  });
}

/**
 * Runs a graph's data pipeline on the job's dataset: relabelling steps, the split (the Split node's,
 * else the job's validation share, shuffled with the job's seed), steps fitted on the training part
 * and applied to all parts, and augmentation kept for the training loop. Without a pipeline the
 * dataset is used as it is, split by the job's settings.
 */
export function prepareData(tf: typeof tfjs, dataset: Dataset, loss: LossName, pipeline: DataPipeline | undefined, hp: Hyperparameters): PreparedData {
  const plan = planPipeline(tf, dataset.spec, pipeline, hp);
  const all = datasetTensors(tf, { ...dataset, spec: plan.spec }, loss);
  const order = splitOrder(all.count, plan.fractions, hp.seed);
  const parts = { validation: gatherPart(tf, all, order.validation), test: gatherPart(tf, all, order.test), train: gatherPart(tf, all, order.train) };
  tf.dispose([all.x, all.y]);
  if (plan.fitting.length) {
    const fitted = fitSteps(tf, plan, parts.train.x);
    for (const p of Object.values(parts)) {
      const before = p.x;
      p.x = fitted.apply(before);
      before.dispose();
    }
    fitted.dispose();
  }
  return { ...parts, augment: plan.augment, dispose: () => tf.dispose(Object.values(parts).flatMap((p) => [p.x, p.y])) };
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
