"use client";

import { ConnectError } from "@connectrpc/connect";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { fetchVerified, serverChunkFetcher } from "../../lib/compute/artifacts-client";
import { toExecutionGraph } from "../../lib/editor/document";
import { checkGraphOnDataset } from "../../lib/graph/dataset-fit";
import type { ProbeResult } from "../../lib/train/backend-probe";
import type { TrainingExecutor, TrainingOutcome } from "../../lib/train/executor";
import { zipModel } from "../../lib/train/model-zip";
import { PauseController } from "../../lib/train/pause";
import { epochLine, formatMetrics } from "../../lib/train/progress";
import { useApi } from "../api/server-url";
import type { DatasetCatalog } from "../api/use-datasets";
import { MetricsChart, type CurvePoint } from "../dashboard/metrics-chart";
import { ProgressBar } from "../dashboard/status-badge";
import { HyperparameterFields, useHyperparameterForm, valuesFrom } from "../engine/hyperparameter-fields";
import { createWebWorkerExecutor } from "../worker/web-worker-executor";
import { writeLog } from "../workspace/console-store";
import { followJob } from "../workspace/follow-job";
import { useRuns } from "../workspace/runs-store";
import { useDocument, useEditor } from "./editor-store";
import { downloadText } from "./files";
import type { DocumentAnalysis } from "./use-analysis";

type Phase = "idle" | "preparing" | "training" | "paused" | "done" | "failed";

/**
 * Trains the graph being edited, either here — in a Web Worker on the fastest backend this
 * browser has, as volunteer nodes do — or on the network as a job.
 */
export function TrainPanel({ analysis, catalog }: { analysis: DocumentAnalysis; catalog: DatasetCatalog }) {
  const api = useApi();
  const doc = useDocument();
  const [chosen, setChosen] = useState("mnist-digits");
  const form = useHyperparameterForm(valuesFrom({ epochs: 3, batchSize: 64, learningRate: 0.001, optimizer: "adam" }));
  const [phase, setPhase] = useState<Phase>("idle");
  const [points, setPoints] = useState<CurvePoint[]>([]);
  const [progress, setProgress] = useState(0);
  const [message, setMessage] = useState<string>();
  const [probe, setProbe] = useState<ProbeResult>();
  const [outcome, setOutcome] = useState<TrainingOutcome>();
  const [jobId, setJobId] = useState<string>();
  const executor = useRef<TrainingExecutor | null>(null);
  const control = useRef<{ abort: AbortController; pause: PauseController } | null>(null);

  useEffect(() => () => executor.current?.dispose(), []);

  // A Dataset node in the graph decides; otherwise the choice here (held-out test sets are not offered).
  const datasets = (catalog.datasets ?? []).filter((d) => !d.name.endsWith("-test"));
  const fromGraph = analysis.analysis.data?.dataset;
  const datasetName = fromGraph ?? chosen;
  const dataset = catalog.datasets?.find((d) => d.name === datasetName);
  const graph = toExecutionGraph(doc);
  const misfit = analysis.analysis.ok && dataset ? checkGraphOnDataset(graph, analysis.analysis, dataset.spec) : [];
  const ready = analysis.analysis.ok && dataset !== undefined && misfit.length === 0;
  const busy = phase === "preparing" || phase === "training" || phase === "paused";

  const trainHere = async () => {
    const hp = form.parse();
    if (!hp || !dataset) return;
    setPhase("preparing");
    setPoints([]);
    setProgress(0);
    setOutcome(undefined);
    setMessage("measuring this browser's backends and downloading the dataset…");
    const current = { abort: new AbortController(), pause: new PauseController() };
    control.current = current;
    const runId = `local-${Date.now()}`;
    const runs = useRuns.getState();
    runs.start({ id: runId, name: `${doc.name} · ${new Date().toLocaleTimeString()}`, source: "local" });
    try {
      executor.current ??= createWebWorkerExecutor();
      const [probed, bytes] = await Promise.all([probe ? Promise.resolve(probe) : executor.current.probe(), fetchVerified(new URL(`/artifacts/${dataset.sha256}`, api.serverUrl).toString(), dataset.sha256)]);
      setProbe(probed);
      setPhase("training");
      setMessage(`training on ${probed.chosen}`);
      const result = await executor.current.train(
        {
          graph: toExecutionGraph(doc),
          hyperparameters: { ...hp, seed: Math.floor(Math.random() * 2 ** 31) },
          dataset: bytes,
          fetchChunk: serverChunkFetcher(api.serverUrl, bytes),
        },
        (p) => {
          setProgress(p.progress);
          setPoints((list) => [...list, { step: p.step, values: p.metrics }]);
          runs.append(runId, [{ step: p.step, values: { ...p.metrics, samples_per_s: p.samplesPerSecond } }]);
          if (p.epochEnd) writeLog("training", "info", epochLine(p));
        },
        current.abort.signal,
        current.pause,
      );
      setOutcome(result);
      setPhase("done");
      const early = result.stoppedEarly ? `; stopped early after epoch ${result.stoppedEarly.epoch}, keeping epoch ${result.stoppedEarly.bestEpoch}` : "";
      setMessage(`trained in ${(result.durationMs / 1000).toFixed(1)} s on ${result.backend}${early}`);
      runs.finish(runId, "done", { predictions: result.predictions, classNames: dataset.spec.targets.classNames, note: `${result.backend}, ${(result.durationMs / 1000).toFixed(1)} s` });
      writeLog("training", "info", `trained in ${(result.durationMs / 1000).toFixed(1)} s on ${result.backend}: ${formatMetrics(result.finalMetrics)}`);
    } catch (error) {
      const stopped = current.abort.signal.aborted;
      setPhase(stopped ? "idle" : "failed");
      setMessage(stopped ? "stopped" : (error as Error).message);
      runs.finish(runId, stopped ? "stopped" : "failed");
      writeLog("training", stopped ? "info" : "error", stopped ? "training stopped" : `training failed: ${(error as Error).message}`);
    }
  };

  const pauseOrResume = () => {
    const current = control.current;
    if (!current) return;
    if (current.pause.paused) {
      current.pause.resume();
      setPhase("training");
    } else {
      current.pause.pause();
      setPhase("paused");
    }
  };

  const submit = async () => {
    const hp = form.parse();
    if (!hp || !dataset) return;
    try {
      const { job } = await api.jobs.submitJob({
        config: { name: doc.name, modelDefinition: JSON.stringify(toExecutionGraph(doc)), datasetUri: `dataset:${dataset.name}`, hyperparameters: hp },
      });
      setJobId(job?.id);
      useEditor.getState().notify("info", `Submitted to the network as job ${job?.id.slice(0, 8)}`);
      if (job) void followJob(api, job.id, doc.name);
    } catch (error) {
      setMessage(error instanceof ConnectError ? error.rawMessage : (error as Error).message);
    }
  };

  return (
    <section className="train-panel" aria-label="Training">
      <div className="train-settings">
        <div className="field">
          <label htmlFor="train-dataset">Dataset</label>
          <select id="train-dataset" value={datasetName} onChange={(e) => setChosen(e.target.value)} disabled={fromGraph !== undefined}>
            {datasets.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name} ({d.spec.count} samples)
              </option>
            ))}
          </select>
          <span className="hint">
            {fromGraph !== undefined ? `Set by the graph's Dataset node. ` : ""}
            {catalog.error ?? (dataset ? dataset.spec.description : catalog.datasets ? `no dataset named "${datasetName}"` : "loading…")}
          </span>
        </div>
        <HyperparameterFields form={form} />
        {!analysis.analysis.ok && <p className="notice small">Fix the graph&apos;s problems before training.</p>}
        {misfit.map((issue, i) => (
          <p key={i} className="notice error small">
            {issue.message}
          </p>
        ))}
        <div className="row">
          <button type="button" className="button primary" disabled={!ready || busy} onClick={() => void trainHere()} data-testid="train-here">
            Train in this browser
          </button>
          <button type="button" className="button" disabled={!busy || phase === "preparing"} onClick={pauseOrResume}>
            {phase === "paused" ? "Resume" : "Pause"}
          </button>
          <button type="button" className="button danger" disabled={!busy} onClick={() => control.current?.abort.abort()}>
            Stop
          </button>
          <button type="button" className="button" disabled={!ready} onClick={() => void submit()}>
            Train on the network
          </button>
          {outcome && (
            <button type="button" className="button" onClick={() => downloadText(`${doc.name.replace(/[^A-Za-z0-9]+/g, "_")}.zip`, zipModel(outcome.modelJson, outcome.weights), "application/zip")} data-testid="export-local-model">
              Export trained model
            </button>
          )}
        </div>
        {jobId && (
          <p className="small">
            Job <Link href={`/jobs/${jobId}`}>{jobId.slice(0, 8)}</Link> is on the network.
          </p>
        )}
        <p className="muted small" role="status" data-testid="train-status" data-phase={phase}>
          {message}
        </p>
        <ProgressBar value={progress} label="Local training progress" />
      </div>
      <div className="train-charts">
        <MetricsChart title="Loss" metric="loss" points={points} />
        <MetricsChart title="Accuracy" metric="accuracy" points={points} format={(v) => `${(v * 100).toFixed(1)} %`} />
      </div>
    </section>
  );
}
