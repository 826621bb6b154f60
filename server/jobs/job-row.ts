import type { Prisma } from "../db/database";
import type { Job } from "../db/generated/client";
import type { JobHolder, JobStatusName } from "./job-status";

/** A job as stored, its status typed. */
export type JobRow = Omit<Job, "status"> & { status: JobStatusName };

/** What the operations need of the database: the client or a transaction of it. */
export type Sql = Pick<Prisma, "$queryRaw">;

/** What a job's event tells of it (events/job-events.ts): a row, or a running job's progress from the hot state. */
export type JobSnapshot = Pick<JobRow, "id" | "status" | "progress" | "currentEpoch" | "totalEpochs" | "samplesPerSecond" | "etaSeconds" | "memoryBytes">;

/** The snapshot's columns as a statement returns them (RETURNING id, status, progress, …). */
export interface SnapshotColumns {
  id: string;
  status: JobStatusName;
  progress: number;
  current_epoch: number;
  total_epochs: number;
  samples_per_second: number;
  eta_seconds: number;
  memory_bytes: bigint;
}

export function snapshotOf(row: SnapshotColumns): JobSnapshot {
  return {
    id: row.id,
    status: row.status,
    progress: row.progress,
    currentEpoch: row.current_epoch,
    totalEpochs: row.total_epochs,
    samplesPerSecond: row.samples_per_second,
    etaSeconds: row.eta_seconds,
    memoryBytes: row.memory_bytes,
  };
}

export interface ProgressUpdate {
  progress: number;
  currentEpoch: number;
  step: number;
  metrics: Record<string, number>;
  logMessage?: string;
  backend?: string;
  samplesPerSecond?: number;
  etaSeconds?: number;
  memoryBytes?: bigint;
}

export interface Completion {
  modelWeightsUri: string;
  modelWeightsSha256: string;
  finalMetrics: Record<string, number>;
  backend?: string;
}

/** Why a node's report about a job changed nothing. */
export type Refusal = "not_assigned" | "cancelled" | "finished";

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether the job is the holder's: its node, this attempt. */
export function holds(job: Pick<JobRow, "assignedNodeId" | "attempts">, holder: JobHolder): boolean {
  return job.assignedNodeId === holder.nodeId && job.attempts === holder.attempt;
}
