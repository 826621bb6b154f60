"use client";

import { ConnectError } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import Link from "next/link";
import { useState } from "react";
import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import { jobTokens } from "../api/job-tokens";
import { downloadModel } from "../api/model-download";
import { useApi } from "../api/server-url";
import { DeployPanel } from "./deploy-panel";
import { PaymentPanel } from "./payment-panel";
import { LogPanel } from "./log-panel";
import { MetricsChart } from "./metrics-chart";
import { ProgressBar, StatusBadge } from "./status-badge";
import { isTerminalStatus } from "../api/job-stream";
import { useJobWatch } from "./use-job-watch";
import { formatBytes, formatDuration } from "../ui/format";

const percent = (v: number) => `${(v * 100).toFixed(1)} %`;
const METRIC_LABELS: Record<string, string> = { loss: "Loss", accuracy: "Accuracy", val_loss: "Validation loss", val_accuracy: "Validation accuracy" };

/** A job as it trains: status, progress, live curves, log; the trained model when it is done. */
export function JobDashboard({ jobId }: { jobId: string }) {
  const api = useApi();
  const watched = useJobWatch(api, jobId);
  const { job, status, progress, currentEpoch, totalEpochs, pace, points } = watched;
  const [actionError, setActionError] = useState<string>();
  const [visibility, setVisibility] = useState<boolean>();

  if (watched.notFound) {
    return (
      <p className="notice error" role="alert">
        No job {jobId} that this browser can see: it does not exist, or it is private (open it in the browser that submitted it, or ask its owner to make it public). <Link href="/jobs">All jobs</Link>
      </p>
    );
  }

  const latest = job?.status === JobStatus.COMPLETED ? job.finalMetrics : (job?.latestMetrics ?? {});
  const metrics = points.length > 0 ? mergeLatest(points.map((p) => p.values)) : latest;
  const act = async (call: () => Promise<unknown>) => {
    try {
      setActionError(undefined);
      await call();
    } catch (error) {
      setActionError(error instanceof ConnectError ? error.rawMessage : (error as Error).message);
    }
  };
  // A job submitted from this browser without signing in is changed with the token kept when it was submitted.
  const withToken = () => jobTokens(api).optionsFor([jobId]);
  const cancel = () => act(() => api.jobs.cancelJob({ jobId, reason: "cancelled from the Engine" }, withToken()));
  // Only whoever may change the job (here: the browser holding its token) is offered the changes; anyone else sees a public job read-only.
  const holdsToken = jobTokens(api).saved()[jobId] !== undefined;
  const isPublic = visibility ?? job?.public ?? false;
  const toggleVisibility = () =>
    act(async () => {
      const { job: updated } = await api.jobs.setJobVisibility({ jobId, public: !isPublic }, withToken());
      setVisibility(updated?.public);
    });
  const togglePause = () => act(() => (job?.paused ? api.jobs.resumeJob({ jobId }, withToken()) : api.jobs.pauseJob({ jobId }, withToken())));

  return (
    <div className="stack">
      <div className="row spread">
        <div>
          <h1>{job?.name ?? "Job"}</h1>
          <p className="muted mono" style={{ margin: 0 }}>
            {jobId}
          </p>
          {job && (holdsToken || isPublic) && (
            <label className="row small" title="A public job's curves, logs and model can be read by anyone with its link; a private one only by whoever submitted it.">
              <input type="checkbox" checked={isPublic} disabled={!holdsToken} onChange={toggleVisibility} data-testid="job-public" />
              {isPublic ? "Public: anyone with the link can see this job and download its model" : "Private: only you can see this job"}
            </label>
          )}
        </div>
        <div className="row">
          <StatusBadge status={status} />
          {holdsToken && !isTerminalStatus(status) && status !== JobStatus.UNSPECIFIED && (
            <>
              <button type="button" className="button" onClick={togglePause} aria-pressed={job?.paused ?? false} data-testid="pause-job">
                {job?.paused ? "Resume" : "Pause"}
              </button>
              <button type="button" className="button danger" onClick={cancel}>
                Cancel
              </button>
            </>
          )}
          {status === JobStatus.COMPLETED && (
            <button type="button" className="button primary" onClick={() => act(() => downloadModel(api, jobId))} data-testid="download-model">
              Download trained model (tfjs)
            </button>
          )}
        </div>
      </div>

      {watched.error && <p className="notice">{watched.error}</p>}
      {actionError && <p className="notice error">{actionError}</p>}
      {job?.error && status !== JobStatus.COMPLETED && (
        <p className="notice error" role="alert">
          {job.error}
        </p>
      )}

      {job?.payment && <PaymentPanel payment={job.payment} status={status} />}

      <section className="card stack" aria-label="Progress">
        <div className="row spread">
          <span>
            Epoch <strong>{currentEpoch}</strong> of {totalEpochs || job?.totalEpochs || "?"}
          </span>
          {pace.samplesPerSecond > 0 && (
            <span className="muted mono" data-testid="pace">
              {Math.round(pace.samplesPerSecond)} samples/s{pace.etaSeconds > 0 && ` · about ${formatDuration(pace.etaSeconds)} left`}
              {pace.memoryBytes > 0 && ` · ${formatBytes(pace.memoryBytes)} on its node`}
            </span>
          )}
          <span className="mono" data-testid="progress">
            {percent(progress)}
          </span>
        </div>
        <ProgressBar value={progress} label="Training progress" />
        <div className="stats">
          {Object.entries(METRIC_LABELS).map(([key, label]) => (
            <div className="stat" key={key}>
              <div className="label">{label}</div>
              <div className="value">{metrics[key] === undefined ? "–" : key.includes("accuracy") ? percent(metrics[key]) : metrics[key].toFixed(4)}</div>
            </div>
          ))}
          <div className="stat">
            <div className="label">Node</div>
            <div className="value mono" style={{ fontSize: 13 }} title={job?.assignedNodeId}>
              {job?.assignedNodeId ? `${job.assignedNodeId.slice(0, 8)} · ${job.backend || "?"}` : "waiting for a node"}
            </div>
          </div>
          <div className="stat">
            <div className="label">Attempt</div>
            <div className="value">{job?.attempts ?? 0}</div>
          </div>
        </div>
        {status === JobStatus.QUEUED && (
          <p className="muted" style={{ margin: 0 }}>
            Waiting for a free compute node. None online? <Link href="/worker">Volunteer this browser</Link> or run <code>npm run worker</code>.
          </p>
        )}
        {job?.completedAt && status === JobStatus.COMPLETED && (
          <p className="muted" style={{ margin: 0 }}>
            Completed at {timestampDate(job.completedAt).toLocaleString()} on {job.backend}.
          </p>
        )}
      </section>

      <div className="grid grid-2" data-testid="charts">
        <MetricsChart title="Loss" metric="loss" points={points} />
        <MetricsChart title="Accuracy" metric="accuracy" points={points} format={percent} />
      </div>
      {holdsToken && status === JobStatus.COMPLETED && <DeployPanel api={api} jobId={jobId} />}
      <LogPanel logs={watched.logs} />
    </div>
  );
}

function mergeLatest(values: Record<string, number>[]): Record<string, number> {
  return Object.assign({}, ...values) as Record<string, number>;
}
