"use client";

import { timestampDate } from "@bufbuild/protobuf/wkt";
import Link from "next/link";
import { jobTokens } from "../api/job-tokens";
import { useApi } from "../api/server-url";
import { onNetworkEvent } from "../api/network-events";
import { usePoll } from "../ui/use-poll";
import { ProgressBar, StatusBadge } from "./status-badge";

/** Recent jobs, refreshed every two seconds. */
export function JobList() {
  const api = useApi();
  // Status changes arrive over socket.io at once; the slower poll keeps progress figures fresh.
  const { data, error } = usePoll(
    () => api.jobs.listJobs({ pageSize: 50 }, jobTokens(api).optionsForAll()),
    5000,
    api,
    (changed) => onNetworkEvent(api.serverUrl, (e) => e.type === "job-status" && changed()),
  );
  if (error && !data) return <p className="notice error">Cannot reach the server: {error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  if (data.jobs.length === 0) {
    return (
      <p className="muted">
        No jobs yet. <Link href="/">Train a model</Link>. Jobs are private: this list shows the ones this browser submitted, and public ones.
      </p>
    );
  }
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Status</th>
          <th scope="col">Progress</th>
          <th scope="col">Accuracy</th>
          <th scope="col">Submitted</th>
        </tr>
      </thead>
      <tbody>
        {data.jobs.map((job) => {
          const metrics = Object.keys(job.finalMetrics).length > 0 ? job.finalMetrics : job.latestMetrics;
          const accuracy = metrics.val_accuracy ?? metrics.accuracy;
          return (
            <tr key={job.id}>
              <td>
                <Link href={`/jobs/${job.id}`}>{job.name}</Link>
                <div className="muted mono" style={{ fontSize: 11 }}>
                  {job.id.slice(0, 8)}
                </div>
              </td>
              <td>
                <StatusBadge status={job.status} />
                {job.public && <div className="muted small">public</div>}
              </td>
              <td style={{ minWidth: 140 }}>
                <ProgressBar value={job.progress} label={`Progress of ${job.name}`} />
              </td>
              <td className="mono">{accuracy === undefined ? "–" : `${(accuracy * 100).toFixed(1)} %`}</td>
              <td className="muted">{job.createdAt ? timestampDate(job.createdAt).toLocaleString() : ""}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
