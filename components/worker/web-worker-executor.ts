import { InferenceInputError, type InferenceResult } from "../../lib/inference/served-model";
import type { ProbeResult } from "../../lib/train/backend-probe";
import { GraphCompileError } from "../../lib/train/compile";
import type { TrainingExecutor, TrainingOutcome } from "../../lib/compute/executor";
import type { TrainingProgress } from "../../lib/train/progress";
import { TrainingAborted, TrainingDiverged } from "../../lib/train/train-loop";
import type { WorkerRequest, WorkerResponse } from "./worker-protocol";

type Pending = {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (p: TrainingProgress) => void;
  onCheckpoint?: (checkpoint: Uint8Array, epoch: number) => void;
  onText?: (text: string) => void;
  fetchChunk?: (index: number) => Promise<Uint8Array>;
};

/** Errors keep their meaning across the thread boundary: the agent decides retries on them. */
function revive(error: { name: string; message: string }): Error {
  if (error.name === "TrainingAborted") return new TrainingAborted();
  if (error.name === "GraphCompileError") return new GraphCompileError(error.message);
  if (error.name === "TrainingDiverged") return new TrainingDiverged(error.message);
  if (error.name === "InferenceInputError") return new InferenceInputError(error.message);
  return new Error(error.message);
}

/** Runs lib/train in a dedicated Web Worker; same interface as the in-process executor. */
export function createWebWorkerExecutor(): TrainingExecutor {
  const worker = new Worker(new URL("./training-worker.ts", import.meta.url), { type: "module", name: "cyxwiz-training" });
  const pending = new Map<number, Pending>();
  let nextId = 1;

  worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
    const message = event.data;
    const entry = pending.get(message.id);
    if (!entry) return;
    if (message.kind === "progress") return entry.onProgress?.(message.progress);
    if (message.kind === "checkpoint") return entry.onCheckpoint?.(new Uint8Array(message.checkpoint), message.epoch);
    if (message.kind === "text") return entry.onText?.(message.text);
    if (message.kind === "chunk-request") return answerChunk(message.id, message.index, entry.fetchChunk);
    pending.delete(message.id);
    if (message.kind === "failed") entry.reject(revive(message.error));
    else if (message.kind === "probed") entry.resolve(message.result);
    else if (message.kind === "served") entry.resolve(undefined);
    else if (message.kind === "inferred") entry.resolve(message.result);
    else entry.resolve({ ...message.outcome, weights: new Uint8Array(message.outcome.weights) });
  };
  worker.onerror = (event) => {
    for (const entry of pending.values()) entry.reject(new Error(`training worker crashed: ${event.message}`));
    pending.clear();
  };

  const answerChunk = (id: number, index: number, fetchChunk: Pending["fetchChunk"]) => {
    if (!fetchChunk) return worker.postMessage({ kind: "chunk", id, index, error: { name: "Error", message: "this job has no chunked dataset" } } satisfies WorkerRequest);
    fetchChunk(index).then(
      (chunk) => {
        const bytes = chunk.slice().buffer;
        worker.postMessage({ kind: "chunk", id, index, bytes } satisfies WorkerRequest, [bytes]);
      },
      (error: Error) => worker.postMessage({ kind: "chunk", id, index, error: { name: error.name, message: error.message } } satisfies WorkerRequest),
    );
  };

  const call = <T>(request: WorkerRequest, transfer: Transferable[], callbacks: Pick<Pending, "onProgress" | "onCheckpoint" | "onText" | "fetchChunk"> = {}) =>
    new Promise<T>((resolve, reject) => {
      pending.set(request.id, { resolve: resolve as (v: unknown) => void, reject, ...callbacks });
      worker.postMessage(request, transfer);
    });

  return {
    probe: () => call<ProbeResult>({ kind: "probe", id: nextId++ }, []),
    train(job, onProgress, signal, pause) {
      const id = nextId++;
      const dataset = job.dataset.slice().buffer;
      const resume = job.resume?.slice().buffer;
      signal.addEventListener("abort", () => worker.postMessage({ kind: "abort", id } satisfies WorkerRequest), { once: true });
      const unsubscribe = pause?.onChange((paused) => worker.postMessage({ kind: paused ? "pause" : "resume", id } satisfies WorkerRequest));
      signal.addEventListener("abort", () => unsubscribe?.(), { once: true });
      const request: WorkerRequest = { kind: "train", id, graph: job.graph, hyperparameters: job.hyperparameters, dataset, jobId: job.jobId, resume, checkpoints: job.onCheckpoint !== undefined };
      return call<TrainingOutcome>(request, resume ? [dataset, resume] : [dataset], { onProgress, onCheckpoint: job.onCheckpoint, fetchChunk: job.fetchChunk }).finally(() => unsubscribe?.());
    },
    serve(bundle) {
      const weights = bundle.weights.slice();
      return call<void>({ kind: "serve", id: nextId++, bundle: { ...bundle, weights } }, [weights.buffer]);
    },
    infer: (deploymentId, request, onText) => call<InferenceResult>({ kind: "infer", id: nextId++, deploymentId, request }, [], { onText }),
    unserve: (deploymentId) => worker.postMessage({ kind: "unserve", id: nextId++, deploymentId } satisfies WorkerRequest),
    dispose: () => worker.terminate(),
  };
}
