import { Box, useApp, useInput, useStdin, useStdout } from "ink";
import { useEffect, useRef, useState } from "react";
import { JobsPane } from "./jobs-pane";
import { logLinesFitting, paneHeights, tableRowsFitting } from "./layout";
import { LogsPane } from "./logs-pane";
import { initialData, nodesInOrder, type DashboardData } from "./model";
import { initialView, onKey, type View } from "./navigation";
import { NodesPane } from "./nodes-pane";
import { OverviewPane } from "./overview-pane";
import { Poller } from "./poller";
import { StatusLine } from "./status-line";

export interface DashboardProps {
  server: string;
  intervalMs: number;
}

export function Dashboard({ server, intervalMs }: DashboardProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { columns, rows } = useTerminalSize();
  const now = useNow(1000);
  const [view, setView] = useState<View>(initialView);
  const data = usePolledData(server, intervalMs, view.followedJobId);

  const nodes = nodesInOrder(data.overview?.nodes ?? []);
  const jobs = data.overview?.jobs ?? [];
  const heights = paneHeights(rows, { nodes: nodes.length, jobs: jobs.length });
  const followedJob = view.followedJobId === undefined ? undefined : jobs.find((j) => j.id === view.followedJobId);

  useInput(
    (input, key) => {
      if (input === "q") return exit();
      const context = {
        nodeIds: nodes.map((n) => n.id),
        jobIds: jobs.map((j) => j.id),
        logLines: data.logs.length,
        page: { nodes: tableRowsFitting(heights.nodes), jobs: tableRowsFitting(heights.jobs), logs: logLinesFitting(heights.logs) },
      };
      setView((current) => onKey(current, input, key, context));
    },
    // Without a terminal on stdin (piped, or under a test runner) there are no keys to read.
    { isActive: isRawModeSupported },
  );

  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <OverviewPane data={data} width={columns} height={heights.overview} focused={view.focus === "overview"} />
      <NodesPane nodes={nodes} selectedId={view.selectedNodeId} loaded={data.overview !== undefined} focused={view.focus === "nodes"} width={columns} height={heights.nodes} now={now} />
      <JobsPane
        jobs={jobs}
        nodes={nodes}
        selectedId={view.selectedJobId}
        followedId={view.followedJobId}
        loaded={data.overview !== undefined}
        focused={view.focus === "jobs"}
        width={columns}
        height={heights.jobs}
      />
      <LogsPane
        lines={data.logs}
        lineJobIds={data.logJobIds}
        followed={view.followedJobId === undefined ? undefined : { id: view.followedJobId, name: followedJob?.name }}
        scroll={view.logScroll}
        focused={view.focus === "logs"}
        width={columns}
        height={heights.logs}
      />
      <StatusLine connection={data.connection} server={server} now={now} width={columns} />
    </Box>
  );
}

/** The poller's latest data; following another job polls again at once rather than at the next tick. */
function usePolledData(server: string, intervalMs: number, followedJobId: string | undefined): DashboardData {
  const [data, setData] = useState<DashboardData>(initialData);
  const followed = useRef(followedJobId);
  const poller = useRef<Poller | undefined>(undefined);
  useEffect(() => {
    const instance = new Poller({ server, intervalMs, followedJobId: () => followed.current, onChange: setData });
    poller.current = instance;
    instance.start();
    return () => instance.stop();
  }, [server, intervalMs]);
  useEffect(() => {
    if (followed.current === followedJobId) return;
    followed.current = followedJobId;
    poller.current?.refresh();
  }, [followedJobId]);
  return data;
}

function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  // A stream that is not a terminal has no size: draw for a common one.
  const read = () => ({ columns: stdout.columns || 100, rows: stdout.rows || 40 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns || 100, rows: stdout.rows || 40 });
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return size;
}

/** The time, a second fresh: "updated 3s ago" counts while nothing else changes. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
