"use client";

import { useEffect, useState } from "react";
import { JobStatus, type Job, type LogLine, type MetricPoint } from "../../gen/cyxwiz/v1/job_pb";
import type { Api } from "../api/clients";
import { followJobStream } from "../api/job-stream";

export interface WatchedJob {
  job?: Job;
  status: JobStatus;
  progress: number;
  currentEpoch: number;
  totalEpochs: number;
  /** The running attempt's pace: samples/s, seconds left, tensor bytes on its node (0 when not training). */
  pace: { samplesPerSecond: number; etaSeconds: number; memoryBytes: number };
  points: MetricPoint[];
  logs: LogLine[];
  /** Set while the stream is down (it reconnects by itself) or when the job does not exist. */
  error?: string;
  notFound: boolean;
}

const initial: WatchedJob = {
  status: JobStatus.UNSPECIFIED,
  progress: 0,
  currentEpoch: 0,
  totalEpochs: 0,
  pace: { samplesPerSecond: 0, etaSeconds: 0, memoryBytes: 0 },
  points: [],
  logs: [],
  notFound: false,
};

/** The job page's live view of a job (see followJobStream for the reconnection rules). */
export function useJobWatch(api: Api, jobId: string): WatchedJob {
  const [state, setState] = useState<WatchedJob>(initial);
  useEffect(() => {
    const abort = new AbortController();
    void followJobStream(
      api,
      jobId,
      {
        onUpdate: (update, snapshot) =>
          setState((s) => ({
            job: update.job ?? s.job,
            status: update.status,
            progress: update.progress,
            currentEpoch: update.currentEpoch,
            totalEpochs: update.totalEpochs,
            pace: { samplesPerSecond: update.samplesPerSecond, etaSeconds: update.etaSeconds, memoryBytes: Number(update.memoryBytes) },
            points: snapshot ? update.liveMetrics : [...s.points, ...update.liveMetrics],
            logs: snapshot ? update.logMessages : [...s.logs, ...update.logMessages].slice(-500),
            notFound: false,
          })),
        onInterrupted: (error) => setState((s) => ({ ...s, error: `live updates interrupted (${error.message}); reconnecting…` })),
      },
      abort.signal,
    ).then((end) => end === "not_found" && setState((s) => ({ ...s, notFound: true, error: `job ${jobId} does not exist` })));
    return () => abort.abort();
  }, [api, jobId]);
  return state;
}
