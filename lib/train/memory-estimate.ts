import type { DatasetSpec } from "../data/dataset-format";
import type { AnalyzedNode, GraphAnalysis } from "../graph/analyze";
import type { Hyperparameters } from "../job/hyperparameters";

export const FLOAT_BYTES = 4;

/** Values one sample's output of this layer holds (unknown dimensions count as 1). */
export function activationSize(node: AnalyzedNode): number {
  return (node.outputShape ?? []).reduce<number>((a, d) => a * (d ?? 1), 1);
}

/**
 * Bytes a node needs to train a graph: weights with their gradients and two optimizer slots,
 * the dataset decoded to floats (plus the shuffled copy), and one batch of activations kept for
 * the backward pass. An estimate for matching jobs to nodes, not an allocator.
 */
export function estimateTrainingMemory(analysis: GraphAnalysis, dataset: DatasetSpec, hp: Pick<Hyperparameters, "batchSize">): number {
  const weights = analysis.totalParams * FLOAT_BYTES * 4;
  const perSample = dataset.features.shape.reduce((a, b) => a * b, 1) + Math.max(1, dataset.targets.classes ?? 1);
  const data = dataset.count * perSample * FLOAT_BYTES * 2;
  const activations = analysis.nodes.reduce((sum, n) => sum + activationSize(n), 0);
  return weights + data + hp.batchSize * activations * FLOAT_BYTES * 2;
}
