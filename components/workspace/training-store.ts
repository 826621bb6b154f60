"use client";

import { ConnectError } from "@connectrpc/connect";
import { create } from "zustand";
import { fetchVerified, serverChunkFetcher } from "../../lib/compute/artifacts-client";
import type { DatasetRecord } from "../../lib/data/dataset-record";
import type { ModelGraph } from "../../lib/graph/types";
import type { Hyperparameters } from "../../lib/job/hyperparameters";
import type { ProbeResult } from "../../lib/train/backend-probe";
import type { TrainingExecutor, TrainingOutcome } from "../../lib/compute/executor";
import { PauseController } from "../../lib/train/pause";
import { epochLine, formatMetrics } from "../../lib/train/progress";
import type { Api } from "../api/clients";
import { submitJob } from "../api/job-tokens";
import { useEditor } from "../editor/editor-store";
import { createWebWorkerExecutor } from "../worker/web-worker-executor";
import { writeLog } from "./console-store";
import { followJob } from "./follow-job";
import { useRuns } from "./runs-store";

export type TrainingPhase = "idle" | "preparing" | "training" | "paused" | "done" | "failed";

/** What to train: the graph being edited, on a registered dataset. */
export interface TrainingRequest {
  /** The model's name: it names the run and the job. */
  name: string;
  graph: ModelGraph;
  hyperparameters: Hyperparameters;
  dataset: DatasetRecord;
}

interface Shown {
  phase: TrainingPhase;
  /** Share of the local run done, 0 to 1. */
  progress: number;
  message?: string;
  /** The local run among the Dashboard's runs: its points are the curves the Train panel draws. */
  runId?: string;
  outcome?: TrainingOutcome;
  /** The job last submitted to the network. */
  jobId?: string;
}

export interface TrainingState extends Shown {
  trainHere(api: Api, request: TrainingRequest): Promise<void>;
  pauseOrResume(): void;
  stop(): void;
  submit(api: Api, request: TrainingRequest): Promise<void>;
  /** Ends the executor with any run in it and starts again from nothing, as a newly opened panel does. */
  dispose(): void;
}

const NOTHING_YET: Shown = { phase: "idle", progress: 0, message: undefined, runId: undefined, outcome: undefined, jobId: undefined };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Training the graph being edited: here, on an executor made on the first run (a Web Worker in
 * the app), reporting to the Dashboard's runs and the Console; or on the network as a job.
 */
export function createTrainingStore(createExecutor: () => TrainingExecutor) {
  let executor: TrainingExecutor | undefined;
  // Measuring the backends takes seconds and leaves the executor on the fastest: its later runs reuse it.
  let probe: ProbeResult | undefined;
  let run: { abort: AbortController; pause: PauseController } | undefined;

  return create<TrainingState>()((set, get) => ({
    ...NOTHING_YET,

    async trainHere(api, { name, graph, hyperparameters, dataset }) {
      const current = { abort: new AbortController(), pause: new PauseController() };
      run = current;
      // A run outlived by dispose() still settles; what it shows would belong to a panel that is gone.
      const show = (state: Partial<Shown>) => run === current && set(state);
      const runId = `local-${Date.now()}`;
      const runs = useRuns.getState();
      runs.start({ id: runId, name: `${name} · ${new Date().toLocaleTimeString()}`, source: "local" });
      show({ phase: "preparing", runId, progress: 0, outcome: undefined, message: "measuring this browser's backends and downloading the dataset…" });
      try {
        const running = (executor ??= createExecutor());
        const [probed, bytes] = await Promise.all([probe ?? running.probe(), fetchVerified(new URL(`/artifacts/${dataset.sha256}`, api.serverUrl).toString(), dataset.sha256)]);
        if (running === executor) probe = probed; // not one from an executor disposed meanwhile
        show({ phase: "training", message: `training on ${probed.chosen}` });
        const result = await running.train(
          { graph, hyperparameters: { ...hyperparameters, seed: Math.floor(Math.random() * 2 ** 31) }, dataset: bytes, fetchChunk: serverChunkFetcher(api.serverUrl, bytes) },
          (p) => {
            show({ progress: p.progress });
            runs.append(runId, [{ step: p.step, values: { ...p.metrics, samples_per_s: p.samplesPerSecond } }]);
            if (p.epochEnd) writeLog("training", "info", epochLine(p));
          },
          current.abort.signal,
          current.pause,
        );
        const early = result.stoppedEarly ? `; stopped early after epoch ${result.stoppedEarly.epoch}, keeping epoch ${result.stoppedEarly.bestEpoch}` : "";
        show({ outcome: result, phase: "done", message: `trained in ${seconds(result.durationMs)} on ${result.backend}${early}` });
        runs.finish(runId, "done", { predictions: result.predictions, classNames: dataset.spec.targets.classNames, note: `${result.backend}, ${seconds(result.durationMs)}` });
        writeLog("training", "info", `trained in ${seconds(result.durationMs)} on ${result.backend}: ${formatMetrics(result.finalMetrics)}`);
      } catch (error) {
        const stopped = current.abort.signal.aborted;
        show({ phase: stopped ? "idle" : "failed", message: stopped ? "stopped" : (error as Error).message });
        runs.finish(runId, stopped ? "stopped" : "failed");
        writeLog("training", stopped ? "info" : "error", stopped ? "training stopped" : `training failed: ${(error as Error).message}`);
      }
    },

    pauseOrResume() {
      if (!run) return;
      if (run.pause.paused) {
        run.pause.resume();
        set({ phase: "training" });
      } else {
        run.pause.pause();
        set({ phase: "paused" });
      }
    },

    stop: () => run?.abort.abort(),

    async submit(api, { name, graph, hyperparameters, dataset }) {
      try {
        const { job } = await submitJob(api, { config: { name, modelDefinition: JSON.stringify(graph), datasetUri: `dataset:${dataset.name}`, hyperparameters } });
        set({ jobId: job?.id });
        useEditor.getState().notify("info", `Submitted to the network as job ${job?.id.slice(0, 8)}`);
        if (job) void followJob(api, job.id, name);
      } catch (error) {
        set({ message: error instanceof ConnectError ? error.rawMessage : (error as Error).message });
      }
    },

    dispose() {
      get().stop();
      run = undefined;
      executor?.dispose();
      executor = undefined;
      probe = undefined;
      set(NOTHING_YET);
    },
  }));
}

export const useTraining = createTrainingStore(createWebWorkerExecutor);
