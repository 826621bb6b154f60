/** Job states as stored (the enum names of cyxwiz.v1.JobStatus without prefix). */
export const JOB_STATUSES = ["QUEUED", "ASSIGNED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"] as const;
export type JobStatusName = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: readonly JobStatusName[] = ["COMPLETED", "FAILED", "CANCELLED"];

export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}
