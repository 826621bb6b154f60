import type * as tfjs from "@tensorflow/tfjs";
import type { z } from "zod";
import type { AttachmentKind, Helper, Regularization } from "./layer";

export type ComponentCategory = "optimizer" | "schedule" | "regularizer";

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

/**
 * A configuration node: it carries no tensors but attaches to another node through a named handle
 * (an optimizer to the Output, a schedule to an optimizer, a regularizer to a weight layer).
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
}

export function defineComponent<P>(definition: Omit<ComponentDefinition<P>, "kind">): ComponentDefinition<P> {
  return { ...definition, kind: "component" };
}
