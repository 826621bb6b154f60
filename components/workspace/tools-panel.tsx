"use client";

import { useEffect, useId, useMemo, useState } from "react";
import { argmaxRows, classReport, confusionMatrix, oneVsRest, precisionRecallCurve, rocCurve } from "../../lib/metrics/classification";
import type { Predictions } from "../../lib/train/train-loop";
import { RunsChart } from "./runs-chart";
import { useRuns, type Run } from "./runs-store";

const percent = (v: number) => (Number.isNaN(v) ? "–" : `${(v * 100).toFixed(1)} %`);

/** Class indices a run predicted: argmax of k probabilities, or a 0.5 threshold on a single sigmoid. */
function predictedClasses(p: Predictions): Int32Array {
  return p.scores.length === p.labels.length ? Int32Array.from(p.scores, (s) => (s >= 0.5 ? 1 : 0)) : argmaxRows(p.scores, p.classes);
}

/** Scores for "is class cls" against the truth, for ROC and PR. */
function scoresFor(p: Predictions, cls: number): { scores: ArrayLike<number>; positives: ArrayLike<number> } {
  if (p.scores.length === p.labels.length) return { scores: cls === 1 ? p.scores : p.scores.map((s) => 1 - s), positives: p.labels.map((l) => (l === cls ? 1 : 0)) };
  return oneVsRest(p.scores, p.labels, p.classes, cls);
}

/** Evaluation of a trained classifier: confusion matrix, per-class report, ROC and precision-recall curves. */
export function ToolsPanel() {
  const runs = useRuns((s) => s.runs);
  const evaluated = runs.filter((r): r is Run & { predictions: Predictions } => r.predictions !== undefined);
  const [runId, setRunId] = useState<string>();
  const [cls, setCls] = useState(0);
  const runField = useId();
  const classField = useId();
  const run = evaluated.find((r) => r.id === runId) ?? evaluated.at(-1);
  useEffect(() => setCls(0), [run?.id]);

  const evaluation = useMemo(() => {
    if (!run) return undefined;
    const p = run.predictions;
    const matrix = confusionMatrix(p.labels, predictedClasses(p), p.classes);
    const { scores, positives } = scoresFor(p, Math.min(cls, p.classes - 1));
    return { matrix, report: classReport(matrix), roc: rocCurve(scores, positives), pr: precisionRecallCurve(scores, positives) };
  }, [run, cls]);

  if (!run || !evaluation) return <p className="muted pad">Train a classifier in this browser (Train panel): its confusion matrix and ROC/PR curves on the held-out data appear here.</p>;
  const names = Array.from({ length: run.predictions.classes }, (_, i) => run.classNames?.[i] ?? String(i));
  const max = Math.max(...evaluation.matrix.flat());
  return (
    <div className="tools-panel">
      <div className="row">
        <label htmlFor={runField} className="small">
          Run
        </label>
        <select id={runField} value={run.id} onChange={(e) => setRunId(e.target.value)}>
          {evaluated.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <span className="muted small">
          {run.predictions.labels.length} {run.predictions.part} samples · accuracy {percent(evaluation.report.accuracy)} · macro F1 {percent(evaluation.report.macro.f1)}
        </span>
      </div>
      <div className="tools-grid">
        <figure>
          <figcaption>Confusion matrix (rows: true class, columns: predicted)</figcaption>
          <table className="confusion" data-testid="confusion-matrix">
            <thead>
              <tr>
                <th scope="col" aria-label="true class" />
                {names.map((n) => (
                  <th key={n} scope="col">
                    {n}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {evaluation.matrix.map((row, i) => (
                <tr key={i}>
                  <th scope="row">{names[i]}</th>
                  {row.map((count, j) => (
                    <td key={j} className={i === j ? "diagonal" : undefined} style={{ ["--share" as string]: max > 0 ? count / max : 0 }} title={`true ${names[i]}, predicted ${names[j]}: ${count}`}>
                      {count}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </figure>
        <figure>
          <figcaption>Per class</figcaption>
          <table className="table small">
            <thead>
              <tr>
                <th>class</th>
                <th>precision</th>
                <th>recall</th>
                <th>F1</th>
                <th>support</th>
              </tr>
            </thead>
            <tbody>
              {evaluation.report.perClass.map((c, i) => (
                <tr key={i}>
                  <td>{names[i]}</td>
                  <td>{percent(c.precision)}</td>
                  <td>{percent(c.recall)}</td>
                  <td>{percent(c.f1)}</td>
                  <td>{c.support}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </figure>
      </div>
      <div className="row">
        <label htmlFor={classField} className="small">
          ROC and precision-recall for class
        </label>
        <select id={classField} value={cls} onChange={(e) => setCls(Number(e.target.value))}>
          {names.map((n, i) => (
            <option key={i} value={i}>
              {n}
            </option>
          ))}
        </select>
        <span className="small" data-testid="roc-auc">
          ROC AUC {Number.isNaN(evaluation.roc.auc) ? "undefined (one kind of sample only)" : evaluation.roc.auc.toFixed(4)} · average precision {evaluation.pr.averagePrecision.toFixed(4)}
        </span>
      </div>
      <div className="chart-grid">
        <RunsChart title="ROC" xLabel="false positive rate" series={[{ label: "true positive rate", color: "#6aa8ff", points: evaluation.roc.points.map((p) => [p.fpr, p.tpr]) }]} />
        <RunsChart title="Precision-recall" xLabel="recall" series={[{ label: "precision", color: "#f472b6", points: evaluation.pr.points.map((p) => [p.recall, p.precision]) }]} />
      </div>
    </div>
  );
}
