"use client";

import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import type { Api } from "../api/clients";
import { followJobStream, isTerminalStatus } from "../api/job-stream";
import { writeLog } from "./console-store";
import { useRuns } from "./runs-store";

const LEVELS: Record<string, "info" | "warn" | "error"> = { warn: "warn", warning: "warn", error: "error" };

/**
 * Follows a network job from the workspace: its curves become a run in the Dashboard and its log
 * lines go to the Console. Each reconnection starts with a snapshot, so the run is rebuilt from it.
 */
export async function followJob(api: Api, jobId: string, name: string): Promise<void> {
  const runId = `job-${jobId}`;
  const short = jobId.slice(0, 8);
  useRuns.getState().start({ id: runId, name: `${name} · job ${short}`, source: "job" });
  await followJobStream(api, jobId, {
    onUpdate: (update, snapshot) => {
      const points = update.liveMetrics.map((m) => ({ step: m.step, values: { ...m.values } }));
      if (snapshot) useRuns.setState((s) => ({ runs: s.runs.map((r) => (r.id === runId ? { ...r, points } : r)) }));
      else if (points.length > 0) useRuns.getState().append(runId, points);
      for (const line of snapshot ? [] : update.logMessages) writeLog("job", LEVELS[line.level] ?? "info", `${short}: ${line.message}`);
      if (isTerminalStatus(update.status)) {
        const status = update.status === JobStatus.COMPLETED ? "done" : update.status === JobStatus.CANCELLED ? "stopped" : "failed";
        useRuns.getState().finish(runId, status);
        writeLog("job", status === "done" ? "info" : "error", `${short}: ${JobStatus[update.status].toLowerCase()}`);
      }
    },
    onInterrupted: (error) => writeLog("job", "warn", `${short}: live updates interrupted (${error.message}); reconnecting…`),
  });
}
