import type * as tfjs from "@tensorflow/tfjs";
import type { ScheduleContext } from "../graph/component";
import { CLASSIFICATION_LOSSES, type LossName } from "../graph/layers/output";
import type { PreparedGraph } from "../graph/prepare";
import type { Hyperparameters } from "../job/hyperparameters";

/** The graph cannot become a model; named so that it survives crossing into a Web Worker and back. */
export class GraphCompileError extends Error {
  override name = "GraphCompileError";
}

export interface CompiledModel {
  model: tfjs.LayersModel;
  loss: LossName;
  /** The optimizer's starting learning rate (from the graph's optimizer node, else the job's). */
  learningRate: number;
  /** The learning rate for an epoch, when a schedule node is attached. */
  schedule?: (context: ScheduleContext) => number;
}

/** tfjs layer names must be unique and tame; node ids are unique but free-form. */
export function layerName(nodeId: string, index: number): string {
  return `${nodeId.replace(/[^A-Za-z0-9_]/g, "_")}_${index}`;
}

/**
 * Builds the tfjs model an analysed graph describes and compiles it with the Output's loss and the
 * attached optimizer node (or the job's optimizer and learning rate when none is attached). Every
 * layer, optimizer and schedule comes from its registry entry; nothing here knows node types.
 */
export function compileGraph(tf: typeof tfjs, { graph, analysis }: Pick<PreparedGraph, "graph" | "analysis">, hp: Hyperparameters): CompiledModel {
  if (!analysis.ok) throw new GraphCompileError(analysis.issues.map((i) => i.message).join("; "));
  const tensors = new Map<string, tfjs.SymbolicTensor>();
  analysis.nodes.forEach((entry, index) => {
    const inputs = entry.inputIds.map((id) => tensors.get(id) as tfjs.SymbolicTensor);
    const name = layerName(entry.node.id, index);
    const regularizer = entry.regularization ? tf.regularizers.l1l2(entry.regularization) : undefined;
    tensors.set(entry.node.id, entry.layer.build({ tf, params: entry.params, inputs, name, seed: hp.seed + index, regularizer }));
  });
  const outputNode = analysis.nodes.find((n) => n.node.id === analysis.outputId);
  if (!outputNode) throw new GraphCompileError("graph has no Output");
  const model = tf.model({
    inputs: analysis.inputIds.map((id) => tensors.get(id) as tfjs.SymbolicTensor),
    outputs: tensors.get(outputNode.node.id) as tfjs.SymbolicTensor,
    name: (graph.name ?? "model").replace(/[^A-Za-z0-9_]/g, "_"),
  });
  const loss = outputNode.params.loss as LossName;
  const { optimizer: optimizerNode, schedule: scheduleNode } = analysis.attachments;
  const behaviour = optimizerNode?.definition.optimizer;
  const optimizer = behaviour ? behaviour.build(tf, optimizerNode.params) : hp.optimizer === "sgd" ? tf.train.sgd(hp.learningRate) : tf.train.adam(hp.learningRate);
  model.compile({
    optimizer,
    // tfjs-layers has no Huber loss by name; its loss functions do.
    loss: loss === "huber" ? (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tf.losses.huberLoss(yTrue, yPred) : loss,
    metrics: CLASSIFICATION_LOSSES.includes(loss) ? ["accuracy"] : [],
  });
  const schedule = scheduleNode?.definition.schedule;
  return {
    model,
    loss,
    learningRate: behaviour ? behaviour.learningRate(optimizerNode.params) : hp.learningRate,
    schedule: schedule ? (context) => schedule.rate(scheduleNode.params, context) : undefined,
  };
}

/** Changes a compiled model's learning rate between epochs (tfjs optimizers keep it in different places). */
export function setLearningRate(model: tfjs.LayersModel, rate: number): void {
  const optimizer = model.optimizer as unknown as { learningRate?: number; setLearningRate?: (r: number) => void };
  if (typeof optimizer.setLearningRate === "function") optimizer.setLearningRate(rate);
  else optimizer.learningRate = rate;
}
