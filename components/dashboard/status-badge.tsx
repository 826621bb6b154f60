import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import { statusLabel } from "../../lib/wire/job-status";

export function statusName(status: JobStatus): string {
  return (JobStatus[status] ?? "UNSPECIFIED").toLowerCase();
}

export function StatusBadge({ status }: { status: JobStatus }) {
  const name = statusName(status);
  return (
    <span className={`badge ${name}`} data-status={name}>
      <span className="dot" aria-hidden="true" />
      {name === "unspecified" ? "loading" : statusLabel(status)}
    </span>
  );
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const percent = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div style={{ width: `${percent}%` }} />
    </div>
  );
}
