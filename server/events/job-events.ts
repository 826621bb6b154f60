import type { JobLog, JobMetric } from "../db/generated/client";
import { paceOf } from "../jobs/job-message";
import type { JobSnapshot } from "../jobs/job-row";
import type { EventBus } from "./bus";
import type { JobEvent, LogEvent, MetricPointEvent, NetworkEvent } from "../../lib/wire/socket";
import { jobChannel, NETWORK_CHANNEL, QUEUE_CHANNEL } from "./channels";

export function pointEvent(row: JobMetric): MetricPointEvent {
  return { id: row.id.toString(), step: row.step, epoch: row.epoch, values: row.values as Record<string, number>, time: row.createdAt.toISOString() };
}

export function logEvent(row: JobLog): LogEvent {
  return { id: row.id.toString(), level: row.level, message: row.message, time: row.createdAt.toISOString() };
}

/** Publishes what happened to a job, for WatchJob streams in every instance. */
export async function publishJobEvent(bus: EventBus, job: JobSnapshot, change: { statusChanged: boolean; points?: JobMetric[]; logs?: JobLog[] }): Promise<void> {
  const event: JobEvent = {
    jobId: job.id,
    statusChanged: change.statusChanged,
    status: job.status,
    progress: job.progress,
    currentEpoch: job.currentEpoch,
    totalEpochs: job.totalEpochs,
    ...paceOf(job),
    points: (change.points ?? []).map(pointEvent),
    logs: (change.logs ?? []).map(logEvent),
  };
  await bus.publish(jobChannel(job.id), event);
  if (!change.statusChanged) return;
  // To every socket: that some job changed, never which (a private job's id is its owner's to tell).
  await bus.publish(NETWORK_CHANNEL, { type: "job-status", status: job.status } satisfies NetworkEvent);
  if (job.status === "QUEUED") await bus.publish(QUEUE_CHANNEL, {});
}
