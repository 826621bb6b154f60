"use client";

import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import type { Api } from "../api/clients";
import { isTerminalStatus } from "../dashboard/use-job-watch";
import { writeLog } from "./console-store";
import { useRuns } from "./runs-store";

const LEVELS: Record<string, "info" | "warn" | "error"> = { warn: "warn", warning: "warn", error: "error" };

/**
 * Follows a network job from the workspace: its curves become a run in the Dashboard and its log
 * lines go to the Console. Each reconnection starts with a snapshot, so the run is rebuilt from it.
 */
export async function followJob(api: Api, jobId: string, name: string): Promise<void> {
  useRuns.getState().start({ id: `job-${jobId}`, name: `${name} · job ${jobId.slice(0, 8)}`, source: "job" });
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      let first = true;
      for await (const update of api.jobs.watchJob({ jobId })) {
        const points = update.liveMetrics.map((m) => ({ step: m.step, values: { ...m.values } }));
        if (first) useRuns.setState((s) => ({ runs: s.runs.map((r) => (r.id === `job-${jobId}` ? { ...r, points } : r)) }));
        else if (points.length > 0) useRuns.getState().append(`job-${jobId}`, points);
        for (const line of first ? [] : update.logMessages) writeLog("job", LEVELS[line.level] ?? "info", `${jobId.slice(0, 8)}: ${line.message}`);
        first = false;
        if (isTerminalStatus(update.status)) {
          const status = update.status === JobStatus.COMPLETED ? "done" : update.status === JobStatus.CANCELLED ? "stopped" : "failed";
          useRuns.getState().finish(`job-${jobId}`, status);
          writeLog("job", status === "done" ? "info" : "error", `${jobId.slice(0, 8)}: ${JobStatus[update.status].toLowerCase()}`);
          return;
        }
      }
    } catch (error) {
      writeLog("job", "warn", `${jobId.slice(0, 8)}: live updates interrupted (${(error as Error).message}); reconnecting…`);
    }
    await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
  }
}
