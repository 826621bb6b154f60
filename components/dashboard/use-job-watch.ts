"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import { useEffect, useState } from "react";
import { JobStatus, type Job, type LogLine, type MetricPoint } from "../../gen/cyxwiz/v1/job_pb";
import type { Api } from "../api/clients";

export interface WatchedJob {
  job?: Job;
  status: JobStatus;
  progress: number;
  currentEpoch: number;
  totalEpochs: number;
  points: MetricPoint[];
  logs: LogLine[];
  /** Set while the stream is down (it reconnects by itself) or when the job does not exist. */
  error?: string;
  notFound: boolean;
}

const TERMINAL = [JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED];
export const isTerminalStatus = (s: JobStatus) => TERMINAL.includes(s);

const initial: WatchedJob = { status: JobStatus.UNSPECIFIED, progress: 0, currentEpoch: 0, totalEpochs: 0, points: [], logs: [], notFound: false };

/**
 * Follows a job over WatchJob. Each (re)connection starts with a full snapshot, which replaces
 * what we had; later messages append. A dropped stream reconnects with backoff until the job ends.
 */
export function useJobWatch(api: Api, jobId: string): WatchedJob {
  const [state, setState] = useState<WatchedJob>(initial);
  useEffect(() => {
    const abort = new AbortController();
    let finished = false;
    void (async () => {
      for (let attempt = 0; !abort.signal.aborted && !finished; attempt++) {
        try {
          let first = true;
          for await (const update of api.jobs.watchJob({ jobId }, { signal: abort.signal })) {
            const snapshot = first;
            first = false;
            attempt = 0;
            setState((s) => ({
              job: update.job ?? s.job,
              status: update.status,
              progress: update.progress,
              currentEpoch: update.currentEpoch,
              totalEpochs: update.totalEpochs,
              points: snapshot ? update.liveMetrics : [...s.points, ...update.liveMetrics],
              logs: snapshot ? update.logMessages : [...s.logs, ...update.logMessages].slice(-500),
              notFound: false,
            }));
            if (isTerminalStatus(update.status)) finished = true;
          }
        } catch (error) {
          if (abort.signal.aborted) return;
          if (error instanceof ConnectError && error.code === Code.NotFound) {
            setState((s) => ({ ...s, notFound: true, error: error.rawMessage }));
            return;
          }
          setState((s) => ({ ...s, error: `live updates interrupted (${(error as Error).message}); reconnecting…` }));
        }
        if (!finished) await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
      }
    })();
    return () => abort.abort();
  }, [api, jobId]);
  return state;
}
