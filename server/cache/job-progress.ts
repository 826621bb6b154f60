import type { ServerContext } from "../context";
import type { JobLog, JobMetric } from "../db/generated/client";
import type { JobRow, JobSnapshot, ProgressUpdate, Refusal } from "../jobs/job-row";
import type { JobHolder } from "../jobs/job-status";
import { insertPointIfHeld } from "../jobs/sql/insert-point-if-held";
import type { HotState, LiveProgress } from "./hot-state";

export type ProgressResult = { ok: true; job: JobSnapshot; started: boolean; point?: JobMetric; log?: JobLog } | { ok: false; refusal: Refusal };

/**
 * Whether a report must update the job's row, or may leave its progress in the hot state. Only
 * a plain report within the epoch its holder last reported may skip the row, and only while
 * the row is less than `persistEveryMs` behind: anything that changes what the row means (the
 * first report, a new epoch or backend, a log line, the end) and any report the hot state
 * cannot vouch for (lost, flushed, another holder's) goes to PostgreSQL.
 */
export function mustPersist(update: ProgressUpdate, holder: JobHolder, cached: LiveProgress | undefined, now: number, persistEveryMs: number): boolean {
  if (!cached || cached.nodeId !== holder.nodeId || cached.attempt !== holder.attempt) return true;
  return (
    update.currentEpoch !== cached.currentEpoch ||
    update.logMessage !== undefined ||
    (update.backend !== undefined && update.backend !== cached.backend) ||
    // Out of range or the end: the row's statement clamps and records it.
    !(update.progress >= 0 && update.progress < 1) ||
    now - cached.persistedAt >= persistEveryMs
  );
}

/**
 * The row with its holder's fresher progress, when the entry is that holder's and the job still
 * runs: an entry left by a node that lost the job, or older than the row, changes nothing.
 */
export function withLiveProgress(row: JobRow, live: LiveProgress | undefined): JobRow {
  if (!live || row.status !== "RUNNING" || row.assignedNodeId !== live.nodeId || row.attempts !== live.attempt || live.progress < row.progress) return row;
  return {
    ...row,
    progress: live.progress,
    currentEpoch: live.currentEpoch,
    latestMetrics: live.latestMetrics,
    backend: live.backend,
    samplesPerSecond: live.samplesPerSecond,
    etaSeconds: live.etaSeconds,
    memoryBytes: BigInt(Math.round(live.memoryBytes)),
    updatedAt: new Date(Math.max(row.updatedAt.getTime(), live.reportedAt)),
  };
}

/** Rows read from PostgreSQL, running ones brought up to date from the hot state (one lookup for all). */
export async function liveJobs(hot: HotState, rows: JobRow[]): Promise<JobRow[]> {
  const running = rows.filter((r) => r.status === "RUNNING").map((r) => r.id);
  if (running.length === 0) return rows;
  const live = await hot.progressOf(running);
  return rows.map((r) => withLiveProgress(r, live.get(r.id)));
}

export async function liveJob(hot: HotState, row: JobRow): Promise<JobRow> {
  return (await liveJobs(hot, [row]))[0] as JobRow;
}

/**
 * Records a progress report from the node holding the job. Most reports (one a second, within
 * an epoch) leave the job's row alone: their curve point is inserted, and their progress kept
 * in the hot state, by one statement that first checks the holder in PostgreSQL. The rest, and
 * any the check refuses, take the job store's full statement, which refuses with the reason.
 */
export async function recordProgress(
  ctx: Pick<ServerContext, "jobs" | "hotState" | "db" | "config">,
  jobId: string,
  holder: JobHolder,
  update: ProgressUpdate,
  now = Date.now(),
): Promise<ProgressResult> {
  const cached = (await ctx.hotState.progressOf([jobId])).get(jobId);
  if (cached && !mustPersist(update, holder, cached, now, ctx.config.heartbeatSeconds * 1000)) {
    const held = await insertPointIfHeld(ctx.db.prisma, jobId, holder, update);
    if (held) {
      const live: LiveProgress = {
        nodeId: holder.nodeId,
        attempt: holder.attempt,
        progress: update.progress,
        currentEpoch: update.currentEpoch,
        latestMetrics: Object.keys(update.metrics).length > 0 ? update.metrics : cached.latestMetrics,
        backend: cached.backend,
        samplesPerSecond: update.samplesPerSecond ?? 0,
        etaSeconds: update.etaSeconds ?? 0,
        memoryBytes: Number(update.memoryBytes ?? 0n),
        reportedAt: now,
        persistedAt: cached.persistedAt,
      };
      await ctx.hotState.saveProgress(jobId, live);
      const job: JobSnapshot = {
        id: jobId,
        status: "RUNNING",
        totalEpochs: held.totalEpochs,
        progress: live.progress,
        currentEpoch: live.currentEpoch,
        samplesPerSecond: live.samplesPerSecond,
        etaSeconds: live.etaSeconds,
        memoryBytes: update.memoryBytes ?? 0n,
      };
      return { ok: true, job, started: false, point: held.point };
    }
  }
  const result = await ctx.jobs.recordProgress(jobId, holder, update);
  if (result.ok) await ctx.hotState.saveProgress(jobId, liveProgressOf(result.job, holder, now));
  return result;
}

/** The row just written, as the hot state keeps it. */
function liveProgressOf(row: JobRow, holder: JobHolder, now: number): LiveProgress {
  return {
    nodeId: holder.nodeId,
    attempt: holder.attempt,
    progress: row.progress,
    currentEpoch: row.currentEpoch,
    latestMetrics: row.latestMetrics as Record<string, number>,
    backend: row.backend,
    samplesPerSecond: row.samplesPerSecond,
    etaSeconds: row.etaSeconds,
    memoryBytes: Number(row.memoryBytes),
    reportedAt: now,
    persistedAt: now,
  };
}
