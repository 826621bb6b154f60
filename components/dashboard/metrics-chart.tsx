"use client";

import { useMemo, useRef } from "react";
import type uPlot from "uplot";
import { CHART_LEGEND, chartAxes, useUPlot } from "./use-uplot";

const COLORS = { train: "#6aa8ff", val: "#f5b942" };

/** A point of a training curve: the fractional epoch and the metrics there (a job's MetricPoint fits). */
export interface CurvePoint {
  step: number;
  values: Record<string, number>;
}

interface Props {
  title: string;
  /** Metric names: the training one and its validation twin. */
  metric: string;
  points: CurvePoint[];
  format?: (v: number) => string;
}

/**
 * One training curve (train and validation) against the fractional epoch, drawn with uPlot and
 * updated in place as points stream in.
 */
export function MetricsChart({ title, metric, points, format = (v) => v.toFixed(4) }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const data = useMemo(() => toData(points, metric), [points, metric]);
  const latest = [...points].reverse().find((p) => p.values[metric] !== undefined)?.values[metric];
  const latestVal = [...points].reverse().find((p) => p.values[`val_${metric}`] !== undefined)?.values[`val_${metric}`];
  useUPlot(
    container,
    (width) => ({
      width,
      height: 220,
      scales: { x: { time: false } },
      axes: chartAxes("epoch"),
      series: [
        { label: "epoch", value: (_u, v) => (v == null ? "–" : v.toFixed(2)) },
        { label: metric, stroke: COLORS.train, width: 2, spanGaps: true, points: { show: false } },
        { label: `val_${metric}`, stroke: COLORS.val, width: 2, spanGaps: true, points: { show: true, size: 6 } },
      ],
      legend: CHART_LEGEND,
    }),
    data as uPlot.AlignedData,
    metric,
    220,
  );

  const summary = latest === undefined ? `${title}: no data yet` : `${title}: latest ${metric} ${format(latest)}${latestVal === undefined ? "" : `, val_${metric} ${format(latestVal)}`}`;
  return (
    <figure className="card" style={{ margin: 0 }}>
      <figcaption className="row spread">
        <h2 style={{ margin: 0 }}>{title}</h2>
        <span className="mono muted">{latest === undefined ? "–" : format(latest)}</span>
      </figcaption>
      <div ref={container} className="chart" role="img" aria-label={summary} data-metric={metric} data-points={data[0].length} />
    </figure>
  );
}

function toData(points: CurvePoint[], metric: string): [number[], (number | null)[], (number | null)[]] {
  const withMetric = points.filter((p) => p.values[metric] !== undefined || p.values[`val_${metric}`] !== undefined);
  return [withMetric.map((p) => p.step), withMetric.map((p) => p.values[metric] ?? null), withMetric.map((p) => p.values[`val_${metric}`] ?? null)];
}
