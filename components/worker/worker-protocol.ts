import type { ModelGraph } from "../../lib/graph/types";
import type { DeploymentBundle, InferenceRequest, InferenceResult } from "../../lib/inference/served-model";
import type { ProbeResult } from "../../lib/train/backend-probe";
import type { Hyperparameters } from "../../lib/train/hyperparameters";
import type { TrainingProgress } from "../../lib/train/progress";
import type { Predictions } from "../../lib/train/train-loop";

/** Messages between the volunteer page and its training Web Worker. */
export type WorkerRequest =
  | { kind: "probe"; id: number }
  | { kind: "train"; id: number; graph: ModelGraph; hyperparameters: Hyperparameters; dataset: ArrayBuffer; jobId?: string; resume?: ArrayBuffer; checkpoints: boolean }
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
  | { kind: "trained"; id: number; outcome: TrainedPayload }
  | { kind: "served"; id: number }
  | { kind: "text"; id: number; text: string }
  | { kind: "inferred"; id: number; result: InferenceResult }
  | { kind: "failed"; id: number; error: { name: string; message: string } };
