import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";

/** A job's status as people read it, the same in the CLI and the TUI: "queued", "running", "awaiting payment"… */
export function statusLabel(status: JobStatus): string {
  return (JobStatus[status] ?? "UNSPECIFIED").toLowerCase().replaceAll("_", " ");
}
