import type { DatasetSpec } from "../data/dataset-format";
import type { GraphAnalysis } from "../graph/analyze";
import type { Hyperparameters } from "../job/hyperparameters";
import { activationSize, estimateTrainingMemory, FLOAT_BYTES } from "../train/memory-estimate";

/** What this node lets a job use. */
export interface NodeOffer {
  /** Bytes the node may use for training: its memory, or the volunteer's lower limit. */
  memoryBytes: number;
  /** The largest buffer the WebGPU adapter allows, when training on WebGPU. */
  maxBufferBytes?: number;
}

const mb = (bytes: number) => `${Math.ceil(bytes / 1024 ** 2)} MB`;

/**
 * Why this node cannot train the job, or undefined when it can: checked before training starts
 * so that a job that would run out of memory (or past the GPU's buffer limit) is handed back
 * with the reason rather than crash the tab halfway.
 */
export function fitProblem(analysis: GraphAnalysis, dataset: DatasetSpec, hp: Pick<Hyperparameters, "batchSize">, offer: NodeOffer): string | undefined {
  const needed = estimateTrainingMemory(analysis, dataset, hp);
  if (needed > offer.memoryBytes) return `the job needs about ${mb(needed)} to train and this node offers ${mb(offer.memoryBytes)}`;
  if (offer.maxBufferBytes) {
    for (const node of analysis.nodes) {
      const activation = hp.batchSize * activationSize(node) * FLOAT_BYTES;
      const largest = Math.max(activation, node.paramCount * FLOAT_BYTES);
      if (largest > offer.maxBufferBytes) {
        return `node "${node.node.id}" needs a ${mb(largest)} buffer at batch size ${hp.batchSize}, more than this GPU's limit of ${mb(offer.maxBufferBytes)}`;
      }
    }
  }
  return undefined;
}
