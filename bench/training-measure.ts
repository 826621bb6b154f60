import type * as tfjs from "@tensorflow/tfjs";
import type { Dataset } from "../lib/data/dataset-format";
import type { ModelGraph } from "../lib/graph/types";
import type { Hyperparameters } from "../lib/job/hyperparameters";
import { disposeModel, TrainingAborted, trainGraph } from "../lib/train/train-loop";

/**
 * One model × backend measurement of `npm run bench -- training`, shared by the Node side
 * (bench/training.ts) and the browser page (bench/training-page.ts), so that both time epochs
 * the same way.
 */
export interface EpochRequest {
  graph: ModelGraph;
  hyperparameters: Hyperparameters;
  /** Train on the first `samples` of the dataset: slow backends get a shorter epoch. */
  samples: number;
  /** Stop after the epoch that passes this much training time, once `minEpochs` are done. */
  budgetMs: number;
  minEpochs: number;
}

export interface EpochTimes {
  backend: string;
  samples_per_epoch: number;
  epoch_ms: number[];
}

/** The first n samples of a dataset, sharing its bytes. */
export function firstSamples(dataset: Dataset, n: number): Dataset {
  const count = Math.min(n, dataset.spec.count);
  const per = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  return {
    spec: { ...dataset.spec, count },
    features: dataset.features.subarray(0, count * per(dataset.spec.features.shape)),
    targets: dataset.targets.subarray(0, count * per(dataset.spec.targets.shape)),
  };
}

/**
 * Trains with the repository's loop on whatever backend tfjs is set to and returns each epoch's
 * duration as the loop itself clocks it (from the epoch's first batch to its report, so model
 * building and data preparation are left out).
 */
export async function timeEpochs(tf: typeof tfjs, dataset: Dataset, request: EpochRequest, log: (line: string) => void = () => undefined): Promise<EpochTimes> {
  const data = firstSamples(dataset, request.samples);
  const stop = new AbortController();
  const epochMs: number[] = [];
  let trained = 0;
  try {
    const result = await trainGraph({
      tf,
      graph: request.graph,
      hyperparameters: request.hyperparameters,
      dataset: data,
      signal: stop.signal,
      onProgress: (p) => {
        if (!p.epochEnd) return;
        const ms = (data.spec.count / p.samplesPerSecond) * 1000;
        epochMs.push(ms);
        trained += ms;
        log(`epoch ${p.epoch}: ${Math.round(ms)} ms (${Math.round(p.samplesPerSecond)} samples/s)`);
        if (epochMs.length >= request.minEpochs && trained > request.budgetMs) stop.abort();
      },
    });
    disposeModel(result.model);
  } catch (error) {
    if (!(error instanceof TrainingAborted)) throw error;
  }
  return { backend: tf.getBackend(), samples_per_epoch: data.spec.count, epoch_ms: epochMs };
}
