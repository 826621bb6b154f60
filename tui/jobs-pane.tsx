import type { Job } from "../gen/cyxwiz/v1/job_pb";
import { statusLabel } from "../lib/wire/job-status";
import { JOBS_LISTED, type NodeInfo } from "./api";
import { JOB_STATUS_COLORS, metricsLine, percent, progressBar, shortId } from "./format";
import { tableRowsFitting } from "./layout";
import { innerWidth, Pane, Table, type Column } from "./pane";

const BAR = 10;

export function JobsPane(props: {
  jobs: readonly Job[];
  nodes: readonly NodeInfo[];
  selectedId: string | undefined;
  followedId: string | undefined;
  /** Whether the server has answered yet: until then an empty table says nothing about the network. */
  loaded: boolean;
  focused: boolean;
  width: number;
  height: number;
}) {
  const names = new Map(props.nodes.map((n) => [n.id, n.name]));
  const nodeName = (job: Job) => (job.assignedNodeId ? (names.get(job.assignedNodeId) ?? shortId(job.assignedNodeId)) : "—");
  const outcome = (job: Job) => {
    if (job.error) return job.error;
    return metricsLine(Object.keys(job.finalMetrics).length > 0 ? job.finalMetrics : job.latestMetrics);
  };
  const columns: Column<Job>[] = [
    { header: "", width: 1, text: (j) => (j.id === props.followedId ? "▶" : ""), color: () => "cyan" },
    { header: "ID", width: 8, text: (j) => shortId(j.id), color: () => "gray" },
    { header: "NAME", width: { flex: 1, min: 10 }, text: (j) => j.name },
    { header: "STATUS", width: 9, text: (j) => statusLabel(j.status), color: (j) => JOB_STATUS_COLORS[j.status] },
    { header: "PROGRESS", width: BAR + 5, text: (j) => `${progressBar(j.progress, BAR)} ${percent(j.progress).padStart(4)}`, color: (j) => JOB_STATUS_COLORS[j.status] },
    { header: "EPOCH", width: 7, align: "right", text: (j) => (j.totalEpochs ? `${j.currentEpoch}/${j.totalEpochs}` : "—") },
    { header: "NODE", width: 12, text: nodeName },
    { header: "METRICS", width: { flex: 2, min: 10 }, text: outcome, color: (j) => (j.error ? "red" : undefined) },
  ];
  return (
    <Pane title={`3 Jobs · ${props.jobs.length === JOBS_LISTED ? `newest ${JOBS_LISTED}` : `${props.jobs.length} listed`}`} width={props.width} height={props.height} focused={props.focused}>
      <Table
        columns={columns}
        rows={props.jobs}
        selectedId={props.selectedId}
        focused={props.focused}
        width={innerWidth(props.width)}
        visibleRows={tableRowsFitting(props.height)}
        empty={props.loaded ? "no jobs yet: submit one from the Engine or with `npx cyxwiz submit mlp-digits`" : "waiting for the server…"}
      />
    </Pane>
  );
}
