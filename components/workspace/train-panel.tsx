"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { toExecutionGraph } from "../../lib/editor/document";
import { fitDataset } from "../../lib/graph/dataset-fit";
import { zipModel } from "../../lib/train/model-zip";
import { useApi } from "../api/server-url";
import type { DatasetCatalog } from "../api/use-datasets";
import { MetricsChart } from "../dashboard/metrics-chart";
import { ProgressBar } from "../dashboard/status-badge";
import { useDocument } from "../editor/editor-store";
import { downloadText } from "../editor/files";
import type { DocumentAnalysis } from "../editor/use-analysis";
import { HyperparameterFields, useHyperparameterForm, valuesFrom } from "../engine/hyperparameter-fields";
import { useRuns, type RunPoint } from "./runs-store";
import { useTraining, type TrainingState } from "./training-store";

const NO_POINTS: RunPoint[] = [];

/**
 * Trains the graph being edited, either here — in a Web Worker on the fastest backend this
 * browser has, as volunteer nodes do — or on the network as a job (see training-store.ts).
 */
export function TrainPanel({ analysis, catalog }: { analysis: DocumentAnalysis; catalog: DatasetCatalog }) {
  const api = useApi();
  const doc = useDocument();
  const [chosen, setChosen] = useState("mnist-digits");
  const form = useHyperparameterForm(valuesFrom({ epochs: 3, batchSize: 64, learningRate: 0.001, optimizer: "adam" }));
  const { phase, progress, message, runId, outcome, jobId, trainHere, pauseOrResume, stop, submit, dispose } = useTraining();
  const points = useRuns((s) => s.runs.find((r) => r.id === runId)?.points ?? NO_POINTS);

  useEffect(() => dispose, [dispose]);

  // A Dataset node in the graph decides; otherwise the choice here (held-out test sets are not offered).
  const datasets = (catalog.datasets ?? []).filter((d) => !d.name.endsWith("-test"));
  const fromGraph = analysis.analysis.data?.dataset;
  const datasetName = fromGraph ?? chosen;
  const dataset = catalog.datasets?.find((d) => d.name === datasetName);
  const graph = toExecutionGraph(doc);
  const misfit = analysis.analysis.ok && dataset ? fitDataset(analysis.analysis, { dataset: dataset.spec }).issues : [];
  const ready = analysis.analysis.ok && dataset !== undefined && misfit.length === 0;
  const busy = phase === "preparing" || phase === "training" || phase === "paused";

  // Either way takes the form's values; the form shows what is invalid, and nothing starts.
  const train = (how: TrainingState["trainHere"] | TrainingState["submit"]) => {
    const hyperparameters = form.parse();
    if (hyperparameters && dataset) void how(api, { name: doc.name, graph, hyperparameters, dataset });
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
          <button type="button" className="button primary" disabled={!ready || busy} onClick={() => train(trainHere)} data-testid="train-here">
            Train in this browser
          </button>
          <button type="button" className="button" disabled={!busy || phase === "preparing"} onClick={pauseOrResume}>
            {phase === "paused" ? "Resume" : "Pause"}
          </button>
          <button type="button" className="button danger" disabled={!busy} onClick={stop}>
            Stop
          </button>
          <button type="button" className="button" disabled={!ready} onClick={() => train(submit)}>
            Train on the network
          </button>
          {outcome && (
            <button
              type="button"
              className="button"
              onClick={() => downloadText(`${doc.name.replace(/[^A-Za-z0-9]+/g, "_")}.zip`, zipModel(outcome.modelJson, outcome.weights), "application/zip")}
              data-testid="export-local-model"
            >
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
