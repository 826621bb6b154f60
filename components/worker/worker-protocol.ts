import type { ModelGraph } from "../../lib/graph/types";
import type { DeploymentBundle, InferenceRequest, InferenceResult } from "../../lib/inference/served-model";
import type { ProbeResult } from "../../lib/train/backend-probe";
import type { Hyperparameters } from "../../lib/job/hyperparameters";
import type { TrainingProgress } from "../../lib/train/progress";
import type { Predictions } from "../../lib/train/train-loop";

/** Messages between the volunteer page and its training Web Worker. */
export type WorkerRequest =
  | { kind: "probe"; id: number }
  | { kind: "train"; id: number; graph: ModelGraph; hyperparameters: Hyperparameters; dataset: ArrayBuffer; jobId?: string; resume?: ArrayBuffer; checkpoints: boolean }
  /** The answer to a chunk-request: the chunk's verified bytes, or why they could not be had. */
  | { kind: "chunk"; id: number; index: number; bytes?: ArrayBuffer; error?: { name: string; message: string } }
  | { kind: "abort"; id: number }
  | { kind: "pause"; id: number }
  | { kind: "resume"; id: number }
  | { kind: "serve"; id: number; bundle: DeploymentBundle }
  | { kind: "infer"; id: number; deploymentId: string; request: InferenceRequest }
  | { kind: "unserve"; id: number; deploymentId: string };

export interface TrainedPayload {
  modelJson: Record<string, unknown>;
  weights: ArrayBuffer;
  finalMetrics: Record<string, number>;
  predictions?: Predictions;
  stoppedEarly?: { epoch: number; bestEpoch: number };
  backend: string;
  durationMs: number;
}

export type WorkerResponse =
  | { kind: "probed"; id: number; result: ProbeResult }
  | { kind: "progress"; id: number; progress: TrainingProgress }
  | { kind: "checkpoint"; id: number; epoch: number; checkpoint: ArrayBuffer }
  /** Training reached a chunk of a chunked dataset: the page fetches it (through the node's cache) and answers with "chunk". */
  | { kind: "chunk-request"; id: number; index: number }
  | { kind: "trained"; id: number; outcome: TrainedPayload }
  | { kind: "served"; id: number }
  | { kind: "text"; id: number; text: string }
  | { kind: "inferred"; id: number; result: InferenceResult }
  | { kind: "failed"; id: number; error: { name: string; message: string } };
