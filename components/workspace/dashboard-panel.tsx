"use client";

import { useEffect, useId, useMemo, useState } from "react";
import { logSafe, runsToCsv, smooth } from "../../lib/metrics/series";
import { downloadText } from "../editor/files";
import { RunsChart, type ChartSeries } from "./runs-chart";
import { useRuns, type Run } from "./runs-store";

const PALETTE = ["#6aa8ff", "#f472b6", "#3ecf8e", "#fbbf24", "#a78bfa", "#fb923c", "#2dd4bf", "#f87171"];
const DEFAULT_METRICS = ["loss", "accuracy", "lr", "samples_per_s"];

/** The metric names a run reports, validation twins folded into their training metric. */
function metricsOf(runs: Run[]): string[] {
  const names = new Set<string>();
  for (const run of runs) for (const point of run.points) for (const key of Object.keys(point.values)) names.add(key.replace(/^(val|test)_/, ""));
  return [...names].sort((a, b) => (DEFAULT_METRICS.indexOf(a) + 1 || 99) - (DEFAULT_METRICS.indexOf(b) + 1 || 99) || a.localeCompare(b));
}

/** Curves of every run in this workspace: pick runs to compare, metrics to show, smoothing and log axes; export CSV. */
export function DashboardPanel() {
  const runs = useRuns((s) => s.runs);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [smoothing, setSmoothing] = useState(0);
  const [log, setLog] = useState(false);
  const smoothingId = useId();
  useEffect(() => useRuns.getState().restore(), []);

  // The newest run is shown until the user picks; new runs join the selection as they start.
  const latest = runs.at(-1)?.id;
  useEffect(() => {
    if (latest) setSelected((s) => new Set([...s, latest]));
  }, [latest]);

  const chosen = runs.filter((r) => selected.has(r.id));
  const metrics = useMemo(() => metricsOf(chosen), [chosen]);
  const color = (run: Run) => PALETTE[runs.indexOf(run) % PALETTE.length] as string;

  const seriesFor = (metric: string): ChartSeries[] =>
    chosen.flatMap((run) =>
      [metric, `val_${metric}`].flatMap((key) => {
        const points = run.points.filter((p) => p.values[key] !== undefined);
        if (points.length === 0) return [];
        const smoothed =
          key === "lr" || key === "samples_per_s"
            ? points.map((p) => p.values[key] as number)
            : smooth(
                points.map((p) => p.values[key] as number),
                smoothing,
              );
        const ys = log ? logSafe(smoothed) : smoothed;
        return [
          {
            label: `${run.name}${key.startsWith("val_") ? " (validation)" : ""}`,
            color: color(run),
            dashed: key.startsWith("val_"),
            points: points.map((p, i) => [p.step, ys[i] ?? null] as [number, number | null]),
          },
        ];
      }),
    );

  const exportCsv = () => downloadText("cyxwiz-runs.csv", runsToCsv(chosen.map((run) => ({ name: run.name, points: run.points.map((p) => ({ step: p.step, ...p.values })) }))), "text/csv");

  if (runs.length === 0) return <p className="muted pad">No runs yet. Train in this browser or on the network from the Train panel, and their curves appear here.</p>;
  return (
    <div className="dashboard-panel">
      <aside className="run-list" aria-label="Runs">
        {[...runs].reverse().map((run) => (
          <label key={run.id} className="run-item">
            <input type="checkbox" checked={selected.has(run.id)} onChange={(e) => setSelected((s) => (e.target.checked ? new Set([...s, run.id]) : new Set([...s].filter((id) => id !== run.id))))} />
            <span className="swatch" style={{ background: color(run) }} aria-hidden="true" />
            <span className="run-name">
              {run.name}
              <span className="muted small">
                {" "}
                · {run.source === "job" ? "network" : "local"} · {run.status}
                {run.note ? ` · ${run.note}` : ""}
              </span>
            </span>
            <button type="button" className="icon-button" aria-label={`Forget run ${run.name}`} onClick={() => useRuns.getState().remove(run.id)}>
              ×
            </button>
          </label>
        ))}
      </aside>
      <section className="run-charts">
        <div className="row">
          <label htmlFor={smoothingId} className="small">
            Smoothing {smoothing.toFixed(2)}
          </label>
          <input id={smoothingId} type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} />
          <label className="small">
            <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> Log scale
          </label>
          <span className="spacer" />
          {metrics.map((m) => (
            <button
              key={m}
              type="button"
              className={`chip${hidden.has(m) ? "" : " active"}`}
              aria-pressed={!hidden.has(m)}
              onClick={() => setHidden((h) => (h.has(m) ? new Set([...h].filter((x) => x !== m)) : new Set([...h, m])))}
            >
              {m}
            </button>
          ))}
          <button type="button" className="button small" disabled={chosen.length === 0} onClick={exportCsv} data-testid="export-runs-csv">
            Export CSV
          </button>
        </div>
        <div className="chart-grid">
          {metrics
            .filter((m) => !hidden.has(m))
            .map((m) => (
              <RunsChart key={m} title={m === "samples_per_s" ? "samples / s" : m === "lr" ? "learning rate" : m} series={seriesFor(m)} log={log} />
            ))}
        </div>
      </section>
    </div>
  );
}
