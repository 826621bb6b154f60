import { Text } from "ink";
import { JobStatus } from "../gen/cyxwiz/v1/job_pb";
import { duration, fit } from "./format";
import { countByStatus, sampleOf, type DashboardData, type Sample } from "./model";
import { innerWidth, Pane } from "./pane";
import { sparkline } from "./sparkline";

const LABEL = 9;
const VALUE = 6;

interface Series {
  label: string;
  pick(sample: Sample): number;
  show(value: number): string;
}

const SERIES: readonly Series[] = [
  { label: "queued", pick: (s) => s.queued, show: String },
  { label: "running", pick: (s) => s.running, show: String },
  { label: "online", pick: (s) => s.online, show: String },
  { label: "assign/s", pick: (s) => s.assignmentsPerSecond, show: (v) => v.toFixed(2) },
];

export function OverviewPane({ data, width, height, focused }: { data: DashboardData; width: number; height: number; focused: boolean }) {
  const inner = innerWidth(width);
  const half = Math.floor((inner - 2) / 2);
  const sparkWidth = Math.max(0, half - LABEL - VALUE - 2);
  const shown = data.history.slice(-sparkWidth);
  const first = shown[0];
  const last = shown.at(-1);
  const span = first && last && last.at > first.at ? ` · last ${duration((last.at - first.at) / 1000)}` : "";
  const overview = data.overview;
  if (!overview) {
    return (
      <Pane title="1 Overview" width={width} height={height} focused={focused}>
        <Text dimColor wrap="truncate">
          waiting for the server's first answer…
        </Text>
      </Pane>
    );
  }
  const { scheduler, nodes } = overview;
  const online = nodes.filter((n) => n.online);
  const busy = online.filter((n) => n.status === "BUSY").length;
  const recent = countByStatus(overview.jobs);
  const cell = (series: Series) => {
    const values = data.history.map(series.pick);
    return `${fit(series.label, LABEL)}${sparkline(values, sparkWidth)} ${fit(series.show(values.at(-1) ?? 0), VALUE, "right")}`;
  };
  const wait = scheduler.meanWaitSeconds === null ? "—" : duration(scheduler.meanWaitSeconds);
  return (
    <Pane title={`1 Overview${span}`} width={width} height={height} focused={focused}>
      <Text wrap="truncate">
        <Text bold>Nodes </Text>
        <Text color="green">{online.length}</Text>/{nodes.length} online ({online.length - busy} idle · {busy} busy)
        <Text bold>{"   Jobs "}</Text>
        <Text color="yellow">{sampleOf(overview).queued} queued</Text> · <Text color="cyan">{scheduler.assigned} assigned</Text> · <Text color="blue">{scheduler.running} running</Text>
        <Text dimColor>
          {"   "}of the {overview.jobs.length} listed: {recent.get(JobStatus.COMPLETED) ?? 0} completed · {recent.get(JobStatus.FAILED) ?? 0} failed · {recent.get(JobStatus.CANCELLED) ?? 0} cancelled
        </Text>
      </Text>
      <Text wrap="truncate">
        <Text bold>Queue </Text>critical {scheduler.queued.CRITICAL} · high {scheduler.queued.HIGH} · normal {scheduler.queued.NORMAL} · low {scheduler.queued.LOW}
        <Text bold>{"   Assignments "}</Text>
        {scheduler.assignmentsPerSecond.toFixed(2)}/s ({scheduler.assignmentsLastMinute} in the last minute)
        <Text bold>{"   Mean wait "}</Text>
        {wait}
      </Text>
      {[SERIES.slice(0, 2), SERIES.slice(2)].map((pair, i) => (
        <Text key={i} wrap="truncate" color="cyan">
          {pair.map(cell).join("  ")}
        </Text>
      ))}
    </Pane>
  );
}
