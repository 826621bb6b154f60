import type * as tfjs from "@tensorflow/tfjs";
import type { z } from "zod";
import type { DatasetSpec } from "../data/dataset-format";
import type { AttachmentKind, Helper, Regularization } from "./layer";

export type ComponentCategory = "optimizer" | "schedule" | "regularizer" | "data";

/** What a learning-rate schedule knows at the start of an epoch. */
export interface ScheduleContext {
  /** 0-based epoch about to start. */
  epoch: number;
  totalEpochs: number;
  /** The optimizer's own learning rate. */
  base: number;
  /** Metrics at the end of each epoch so far. */
  history: Record<string, number>[];
}

export interface OptimizerBehaviour<P> {
  learningRate(params: P): number;
  build(tf: typeof tfjs, params: P): tfjs.Optimizer;
  codegen: {
    /** Expression creating the optimizer for `model` (PyTorch). */
    pytorch(params: P): string;
    keras(params: P): string;
    tfjs(params: P): { code: string; helpers?: Helper[] };
  };
}

export interface ScheduleBehaviour<P> {
  /** Learning rate for the epoch about to start: a pure function of the history, so that a resumed job follows the same schedule. */
  rate(params: P, context: ScheduleContext): number;
  codegen: {
    /** Expression creating a torch.optim.lr_scheduler for `optimizer`, stepped once per epoch. */
    pytorch(params: P, totalEpochs: number): string;
    /** Expression creating a Keras callback. */
    keras(params: P, totalEpochs: number): string;
    /** A JavaScript function (epoch, base, history) => rate, for generated tfjs training loops. */
    tfjs(params: P, totalEpochs: number): string;
  };
}

export interface RegularizerBehaviour<P> {
  factors(params: P): Regularization;
}

/** Finds a registered dataset's description by name (the catalog's, or the one dataset a worker holds). */
export type DatasetLookup = (name: string) => DatasetSpec | undefined;

/** The parts the samples are divided into. */
export interface SplitFractions {
  validation: number;
  test: number;
}

/** A preprocessing step with its fitted statistics (tensors the caller frees with dispose). */
export interface FittedTransform {
  apply(x: tfjs.Tensor): tfjs.Tensor;
  dispose(): void;
}

/**
 * Where a data step acts in the generated prepare_data / augment functions: on the labels
 * before splitting, as the split itself, fitted on the training part, or on each training batch.
 */
export type DataPhase = "source" | "labels" | "split" | "fit" | "augment";

/**
 * One step of the data pipeline that feeds an Input (Dataset → Split → Normalize → …). Steps
 * implement the hooks they need; the training loop and the code generators run them in order.
 */
export interface DataBehaviour<P> {
  phase: DataPhase;
  /**
   * The samples after this step, given those before it (undefined when not known here, e.g. the
   * editor without the catalog). Throws ShapeError when the step cannot apply to them.
   */
  spec(input: DatasetSpec | undefined, params: P, lookup: DatasetLookup): DatasetSpec | undefined;
  split?(params: P): SplitFractions;
  /** Fitted on the training features, then applied to every part (statistics never see validation or test data). */
  fit?(tf: typeof tfjs, trainX: tfjs.Tensor, params: P): FittedTransform;
  /** Random changes to one training batch; seeded, so a run can be repeated. */
  augment?(tf: typeof tfjs, x: tfjs.Tensor, params: P, seed: number): tfjs.Tensor;
  codegen: {
    /**
     * NumPy statements (shared by the PyTorch and Keras exports). In scope: x, y before the split
     * ("labels"), x_train … y_test after it ("split" defines them, "fit" updates them), and
     * x, rng for one batch ("augment").
     */
    python(params: P, spec: DatasetSpec | undefined): string[];
    /** The same in JavaScript on tf tensors (x, y; xTrain … yTest; x for a batch, with a seed). */
    tfjs(params: P, spec: DatasetSpec | undefined): string[];
  };
}

/**
 * A configuration node: it carries no tensors but attaches to another node through a named handle
 * (an optimizer to the Output, a schedule to an optimizer, a regularizer to a weight layer, a data
 * step to the next step or to an Input).
 */
export interface ComponentDefinition<P = Record<string, unknown>> {
  kind: "component";
  type: string;
  label: string;
  category: ComponentCategory;
  description: string;
  params: z.ZodType<P>;
  /** The handle of the node it attaches to. */
  provides: AttachmentKind;
  /** What attaches to this node in turn (an optimizer takes a schedule). */
  accepts?: readonly AttachmentKind[];
  optimizer?: OptimizerBehaviour<P>;
  schedule?: ScheduleBehaviour<P>;
  regularizer?: RegularizerBehaviour<P>;
  data?: DataBehaviour<P>;
}

export function defineComponent<P>(definition: Omit<ComponentDefinition<P>, "kind">): ComponentDefinition<P> {
  return { ...definition, kind: "component" };
}
