"use client";

import { useMemo, useRef } from "react";
import type uPlot from "uplot";
import { CHART_LEGEND, chartAxes, useUPlot } from "../dashboard/use-uplot";

export interface ChartSeries {
  label: string;
  color: string;
  dashed?: boolean;
  /** [x, y] pairs; y null leaves a gap. */
  points: [number, number | null][];
}

/** Joins series with different x values onto one x axis, as uPlot wants its data. */
function align(series: ChartSeries[]): uPlot.AlignedData {
  // A single curve keeps repeated x values (ROC's vertical steps), which joining would merge.
  if (series.length === 1) {
    const points = (series[0] as ChartSeries).points;
    return [points.map((p) => p[0]), points.map((p) => p[1])] as uPlot.AlignedData;
  }
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = series.map((s) => {
    const column = new Array<number | null>(xs.length).fill(null);
    for (const [x, y] of s.points) column[index.get(x) as number] = y;
    return column;
  });
  return [xs, ...columns] as uPlot.AlignedData;
}

/** Curves against a shared x axis (the epoch, unless told otherwise), with an optional log-scale y axis. */
export function RunsChart({ title, series, log = false, xLabel = "epoch" }: { title: string; series: ChartSeries[]; log?: boolean; xLabel?: string }) {
  const container = useRef<HTMLDivElement>(null);
  const shape = `${series.map((s) => `${s.label}|${s.color}|${s.dashed ? 1 : 0}`).join(",")}|${log}|${xLabel}`;
  useUPlot(
    container,
    (width) => ({
      width,
      height: 200,
      scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
      axes: chartAxes(xLabel),
      series: [{ label: xLabel }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dashed ? [6, 4] : undefined, spanGaps: true, points: { show: false } }))],
      legend: CHART_LEGEND,
    }),
    useMemo(() => align(series), [series]),
    shape,
    200,
  );

  return (
    <figure className="runs-chart">
      <figcaption>{title}</figcaption>
      <div ref={container} role="img" aria-label={`${title}: ${series.map((s) => s.label).join(", ") || "no runs selected"}`} data-series={series.length} />
    </figure>
  );
}
