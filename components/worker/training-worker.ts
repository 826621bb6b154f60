/// <reference lib="webworker" />
// The volunteer page's training thread: probes backends and trains, so that the page (and the
// agent's heartbeats) never wait on a training step.
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { webgpuAdapterInfo } from "../../lib/train/backend-probe";
import { createLocalExecutor } from "../../lib/compute/executor";
import { PauseController } from "../../lib/train/pause";
import { tf } from "../../lib/train/runtime-tf";
import type { WorkerRequest, WorkerResponse } from "./worker-protocol";

declare const self: DedicatedWorkerGlobalScope;

setWasmPaths("/tfjs/");
const executor = createLocalExecutor(tf, ["webgpu", "wasm", "webgl", "cpu"], webgpuAdapterInfo);
const running = new Map<number, { abort: AbortController; pause: PauseController }>();
/** Chunk fetches the page is doing for a training request, by request id and chunk index. */
const chunkWaits = new Map<string, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>();

/** Asks the page for a chunk: fetching and caching stay with the agent, which holds the node's store. */
function fetchChunkThroughPage(id: number, index: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    chunkWaits.set(`${id}:${index}`, { resolve, reject });
    reply({ kind: "chunk-request", id, index });
  });
}

const reply = (message: WorkerResponse, transfer: Transferable[] = []) => self.postMessage(message, transfer);

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.kind === "abort" || request.kind === "pause" || request.kind === "resume") {
    const job = running.get(request.id);
    if (request.kind === "abort") job?.abort.abort();
    else if (request.kind === "pause") job?.pause.pause();
    else job?.pause.resume();
    return;
  }
  if (request.kind === "chunk") {
    const key = `${request.id}:${request.index}`;
    const wait = chunkWaits.get(key);
    chunkWaits.delete(key);
    if (request.bytes) wait?.resolve(new Uint8Array(request.bytes));
    else wait?.reject(Object.assign(new Error(request.error?.message ?? "chunk fetch failed"), { name: request.error?.name ?? "Error" }));
    return;
  }
  if (request.kind === "unserve") {
    executor.unserve(request.deploymentId);
    return;
  }
  try {
    if (request.kind === "probe") {
      reply({ kind: "probed", id: request.id, result: await executor.probe() });
      return;
    }
    if (request.kind === "serve") {
      await executor.serve(request.bundle);
      reply({ kind: "served", id: request.id });
      return;
    }
    if (request.kind === "infer") {
      const result = await executor.infer(request.deploymentId, request.request, (text) => reply({ kind: "text", id: request.id, text }));
      reply({ kind: "inferred", id: request.id, result });
      return;
    }
    const control = { abort: new AbortController(), pause: new PauseController() };
    running.set(request.id, control);
    const outcome = await executor.train(
      {
        graph: request.graph,
        hyperparameters: request.hyperparameters,
        dataset: new Uint8Array(request.dataset),
        fetchChunk: (index) => fetchChunkThroughPage(request.id, index),
        jobId: request.jobId,
        resume: request.resume && new Uint8Array(request.resume),
        onCheckpoint: request.checkpoints
          ? (checkpoint, epoch) => {
              const bytes = checkpoint.slice().buffer;
              reply({ kind: "checkpoint", id: request.id, epoch, checkpoint: bytes }, [bytes]);
            }
          : undefined,
      },
      (progress) => reply({ kind: "progress", id: request.id, progress }),
      control.abort.signal,
      control.pause,
    );
    const weights = outcome.weights.slice().buffer;
    reply({ kind: "trained", id: request.id, outcome: { ...outcome, weights } }, [weights]);
  } catch (error) {
    const e = error as Error;
    reply({ kind: "failed", id: request.id, error: { name: e.name, message: e.message } });
  } finally {
    running.delete(request.id);
  }
};
