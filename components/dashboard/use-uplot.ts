"use client";

import { useEffect, useEffectEvent, useRef, type RefObject } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

const AXIS = { stroke: "#8d97ab", grid: { stroke: "rgba(140,150,170,0.15)" } };

/**
 * The legend names the series only: a live legend shows each one's value under the cursor, and
 * "--" whenever the cursor is elsewhere, which reads as missing data.
 */
export const CHART_LEGEND: uPlot.Legend = { show: true, live: false };

/** An x axis with a label and a y axis, in the app's colours. */
export const chartAxes = (xLabel: string): uPlot.Axis[] => [
  { label: xLabel, ...AXIS },
  { ...AXIS, size: 60 },
];

/**
 * A uPlot chart in a container, as wide as the container: rebuilt when `shape` changes (its
 * series or scales), fed new data in place otherwise, so streaming points cost no rebuild.
 */
export function useUPlot(container: RefObject<HTMLDivElement | null>, options: (width: number) => uPlot.Options, data: uPlot.AlignedData, shape: string, height: number): void {
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  const build = useEffectEvent((el: HTMLDivElement) => new uPlot(options(el.clientWidth || 420), latest.current, el));
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const chart = build(el);
    plot.current = chart;
    const observer = new ResizeObserver(() => chart.setSize({ width: el.clientWidth, height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape, container, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);
}
