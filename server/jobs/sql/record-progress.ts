import type { Prisma } from "../../db/database";
import type { JobLog, JobMetric } from "../../db/generated/client";
import { heldBySql, type JobHolder } from "../job-status";
import type { JobRow, ProgressUpdate, Refusal } from "../job-row";
import { refusalOf } from "./refusal";

export type ProgressRecorded = { ok: true; job: JobRow; started: boolean; point?: JobMetric; log?: JobLog } | { ok: false; refusal: Refusal };

/** Progress from the node that holds the job, written to its row; the first report moves it from ASSIGNED to RUNNING. */
export async function recordProgress(prisma: Prisma, jobId: string, holder: JobHolder, update: ProgressUpdate): Promise<ProgressRecorded> {
  const metrics = Object.keys(update.metrics).length > 0 ? JSON.stringify(update.metrics) : null;
  const updated = await prisma.$queryRaw<{ previous: string }[]>`
    WITH before AS (SELECT status FROM jobs WHERE id = ${jobId}::uuid)
    UPDATE jobs SET
      status = 'RUNNING',
      started_at = COALESCE(started_at, now()),
      progress = ${clamp01(update.progress)},
      current_epoch = ${update.currentEpoch},
      latest_metrics = COALESCE(${metrics}::jsonb, latest_metrics),
      backend = COALESCE(${update.backend ?? null}, backend),
      samples_per_second = ${update.samplesPerSecond ?? 0}, eta_seconds = ${update.etaSeconds ?? 0}, memory_bytes = ${update.memoryBytes ?? 0n},
      updated_at = now()
    WHERE ${heldBySql(jobId, holder)}
    RETURNING (SELECT status FROM before) AS previous`;
  const previous = updated[0]?.previous;
  if (previous === undefined) return { ok: false, refusal: await refusalOf(prisma, jobId, holder) };
  const job = (await prisma.job.findUnique({ where: { id: jobId } })) as JobRow;
  const point = metrics ? await prisma.jobMetric.create({ data: { jobId, attempt: job.attempts, step: update.step, epoch: update.currentEpoch, values: update.metrics } }) : undefined;
  const log = update.logMessage ? await prisma.jobLog.create({ data: { jobId, level: "info", message: update.logMessage } }) : undefined;
  return { ok: true, job, started: previous === "ASSIGNED", point, log };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
