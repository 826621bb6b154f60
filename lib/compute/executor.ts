import type * as tfjs from "@tensorflow/tfjs";
import { decodeCheckpoint, encodeCheckpoint } from "../train/checkpoint";
import type { ModelGraph } from "../graph/types";
import { ServedModel, type DeploymentBundle, type InferenceRequest, type InferenceResult } from "../inference/served-model";
import { probeBackends, type AdapterInfo, type ProbeResult } from "../train/backend-probe";
import { exportModel, type ExportedModel } from "../train/export";
import type { Hyperparameters } from "../job/hyperparameters";
import type { PauseController } from "../train/pause";
import type { TrainingProgress } from "../train/progress";
import { disposeModel, trainGraph, type Predictions, type TrainResult } from "../train/train-loop";
import { openDataset } from "../train/training-data";

export interface TrainingJob {
  graph: ModelGraph;
  hyperparameters: Hyperparameters;
  /** The dataset file, already checked against its hash: a CXDS file, or a manifest of chunks. */
  dataset: Uint8Array;
  /** A chunked dataset's chunk `index`, fetched and checked against its hash. */
  fetchChunk?: (index: number) => Promise<Uint8Array>;
  /** The job's id: checkpoints carry it, and one of another job is refused. */
  jobId?: string;
  /** A checkpoint (CXCK file) of an earlier attempt to continue from. */
  resume?: Uint8Array;
  /** Receives a checkpoint every hyperparameters.checkpointEvery epochs (1 when unset). */
  onCheckpoint?: (checkpoint: Uint8Array, epoch: number) => void;
}

/** How often a job takes checkpoints: every epoch unless told otherwise (0: never). */
export const checkpointInterval = (hp: Hyperparameters) => hp.checkpointEvery ?? 1;

export interface TrainingOutcome extends ExportedModel {
  finalMetrics: Record<string, number>;
  predictions?: Predictions;
  stoppedEarly?: TrainResult["stoppedEarly"];
  backend: string;
  durationMs: number;
}

/**
 * Where training happens: in this thread (Node host, tests) or in a Web Worker (browser tabs).
 * The node agent only talks to this interface.
 */
export interface TrainingExecutor {
  probe(): Promise<ProbeResult>;
  train(job: TrainingJob, onProgress: (p: TrainingProgress) => void, signal: AbortSignal, pause?: PauseController): Promise<TrainingOutcome>;
  /** Loads a deployed model to answer inference requests (beside any training). */
  serve(bundle: DeploymentBundle): Promise<void>;
  infer(deploymentId: string, request: InferenceRequest, onText: (text: string) => void): Promise<InferenceResult>;
  unserve(deploymentId: string): void;
  dispose(): void;
}

/** Runs lib/train directly on the given tfjs instance. */
export function createLocalExecutor(tf: typeof tfjs, candidates: readonly string[], adapter?: () => Promise<AdapterInfo | undefined>): TrainingExecutor {
  const served = new Map<string, ServedModel>();
  return {
    probe: async () => probeBackends(tf, candidates, { adapter: await adapter?.() }),
    async serve(bundle) {
      const model = await ServedModel.load(tf, bundle);
      served.get(bundle.deploymentId)?.dispose();
      served.set(bundle.deploymentId, model);
    },
    async infer(deploymentId, request, onText) {
      const model = served.get(deploymentId);
      if (!model) throw new Error(`deployment ${deploymentId} is not loaded on this node`);
      return model.run(request, onText);
    },
    unserve(deploymentId) {
      served.get(deploymentId)?.dispose();
      served.delete(deploymentId);
    },
    async train(job, onProgress, signal, pause) {
      const result = await trainGraph({
        pause,
        tf,
        graph: job.graph,
        hyperparameters: job.hyperparameters,
        dataset: openDataset(job.dataset, job.fetchChunk),
        onProgress,
        signal,
        jobId: job.jobId,
        resume: job.resume ? decodeCheckpoint(job.resume) : undefined,
        checkpoints: job.onCheckpoint && { every: checkpointInterval(job.hyperparameters), save: async (c) => job.onCheckpoint?.(encodeCheckpoint(c), c.epoch) },
      });
      try {
        const exported = await exportModel(tf, result.model);
        const { finalMetrics, predictions, stoppedEarly, backend, durationMs } = result;
        return { ...exported, finalMetrics, predictions, stoppedEarly, backend, durationMs };
      } finally {
        disposeModel(result.model);
      }
    },
    dispose() {
      for (const model of served.values()) model.dispose();
      served.clear();
    },
  };
}
