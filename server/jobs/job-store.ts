import type { Prisma } from "../db/database";
import type { Job, JobLog, JobMetric } from "../db/generated/client";
import type { JobStatusName } from "./job-status";

export type JobRow = Job;

/** What a job's event tells of it (events/job-events.ts): a row, or a running job's progress from the hot state. */
export type JobSnapshot = Pick<JobRow, "id" | "status" | "progress" | "currentEpoch" | "totalEpochs" | "samplesPerSecond" | "etaSeconds" | "memoryBytes">;

interface SnapshotColumns {
  id: string;
  status: string;
  progress: number;
  current_epoch: number;
  total_epochs: number;
  samples_per_second: number;
  eta_seconds: number;
  memory_bytes: bigint;
}

function snapshotOf(row: SnapshotColumns): JobSnapshot {
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

export interface NewJob {
  name: string;
  /** The submitting user; undefined for an anonymous job. */
  userId?: string;
  jobType: string;
  priority: number;
  modelConfig: object;
  hyperparameters: object;
  datasetUri: string;
  datasetId: string;
  datasetSha256: string;
  estimatedMemory: bigint;
  totalEpochs: number;
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

/** The node and the attempt of the job it holds, as its job token proves. */
export interface JobHolder {
  nodeId: string;
  attempt: number;
}

/** Why a node's report about a job changed nothing. */
export type Refusal = "not_assigned" | "cancelled" | "finished";

/**
 * Every state change of a job is one SQL statement that names the state it expects to find
 * (WHERE status IN …, assigned_node = …), so that concurrent reports, cancellations and the
 * liveness monitor can race freely: whoever loses changes nothing and learns why.
 */
export class JobStore {
  constructor(private readonly prisma: Prisma) {}

  create(job: NewJob): Promise<JobRow> {
    return this.prisma.job.create({ data: { ...job, status: "QUEUED" } });
  }

  get(id: string): Promise<JobRow | null> {
    return this.prisma.job.findUnique({ where: { id } });
  }

  getMany(ids: string[]): Promise<JobRow[]> {
    return this.prisma.job.findMany({ where: { id: { in: ids } } });
  }

  /** Newest first; the cursor is the last job id of the previous page. */
  async list(options: { statuses?: string[]; jobTypes?: string[]; ownerId?: string; limit: number; after?: string }): Promise<{ rows: JobRow[]; next?: string }> {
    const rows = await this.prisma.job.findMany({
      where: {
        ...(options.statuses?.length ? { status: { in: options.statuses } } : {}),
        ...(options.jobTypes?.length ? { jobType: { in: options.jobTypes } } : {}),
        ...(options.ownerId ? { userId: options.ownerId } : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: options.limit + 1,
      ...(options.after ? { cursor: { id: options.after }, skip: 1 } : {}),
    });
    const page = rows.slice(0, options.limit);
    return { rows: page, next: rows.length > options.limit ? page[page.length - 1]?.id : undefined };
  }

  async history(jobId: string, logLimit = 200): Promise<{ points: JobMetric[]; logs: JobLog[] }> {
    const [points, logs] = await Promise.all([
      this.prisma.jobMetric.findMany({ where: { jobId }, orderBy: { id: "asc" } }),
      this.prisma.jobLog.findMany({ where: { jobId }, orderBy: { id: "desc" }, take: logLimit }),
    ]);
    return { points, logs: logs.reverse() };
  }

  async log(jobId: string, level: string, message: string): Promise<JobLog> {
    return this.prisma.jobLog.create({ data: { jobId, level, message } });
  }

  /** Progress from the node that holds the job; the first report moves it to RUNNING. */
  async recordProgress(
    jobId: string,
    holder: JobHolder,
    update: ProgressUpdate,
  ): Promise<{ ok: true; job: JobRow; started: boolean; point?: JobMetric; log?: JobLog } | { ok: false; refusal: Refusal }> {
    const metrics = Object.keys(update.metrics).length > 0 ? JSON.stringify(update.metrics) : null;
    const updated = await this.prisma.$queryRaw<{ previous: string }[]>`
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
      WHERE id = ${jobId}::uuid AND assigned_node = ${holder.nodeId}::uuid AND attempts = ${holder.attempt} AND status IN ('ASSIGNED', 'RUNNING')
      RETURNING (SELECT status FROM before) AS previous`;
    const previous = updated[0]?.previous;
    if (previous === undefined) return { ok: false, refusal: await this.refusal(jobId, holder) };
    const job = (await this.get(jobId)) as JobRow;
    const point = metrics
      ? await this.prisma.jobMetric.create({
          data: { jobId, attempt: job.attempts, step: update.step, epoch: update.currentEpoch, values: update.metrics },
        })
      : undefined;
    const log = update.logMessage ? await this.log(jobId, "info", update.logMessage) : undefined;
    return { ok: true, job, started: previous === "ASSIGNED", point, log };
  }

  /**
   * The node's result: the job completes, its attempt with it, and the log line is written, all
   * in one statement (the hot path of a busy scheduler: one round trip per completion).
   */
  async complete(
    jobId: string,
    holder: JobHolder,
    result: Completion,
    logMessage: string,
  ): Promise<{ ok: true; job: JobSnapshot; log: JobLog } | { ok: false; refusal: Refusal }> {
    const done = await this.prisma.$queryRaw<(SnapshotColumns & { log_id: bigint; log_created_at: Date })[]>`
      WITH done AS (
        UPDATE jobs SET
          status = 'COMPLETED', progress = 1, completed_at = now(), updated_at = now(),
          started_at = COALESCE(started_at, now()),
          current_epoch = total_epochs,
          final_metrics = ${JSON.stringify(result.finalMetrics)}::jsonb,
          latest_metrics = ${JSON.stringify(result.finalMetrics)}::jsonb,
          model_weights_uri = ${result.modelWeightsUri},
          model_weights_sha256 = ${result.modelWeightsSha256},
          backend = COALESCE(${result.backend ?? null}, backend)
        WHERE id = ${jobId}::uuid AND assigned_node = ${holder.nodeId}::uuid AND attempts = ${holder.attempt} AND status IN ('ASSIGNED', 'RUNNING')
        RETURNING id, status, progress, current_epoch, total_epochs, samples_per_second, eta_seconds, memory_bytes, attempts),
      attempt AS (
        UPDATE job_attempts a SET outcome = 'COMPLETED', ended_at = now()
        FROM done WHERE a.job_id = done.id AND a.attempt = done.attempts),
      log AS (
        INSERT INTO job_logs (job_id, level, message) SELECT id, 'info', ${logMessage} FROM done
        RETURNING id, created_at)
      SELECT done.id::text AS id, status, progress, current_epoch, total_epochs, samples_per_second, eta_seconds, memory_bytes,
        log.id AS log_id, log.created_at AS log_created_at
      FROM done, log`;
    const row = done[0];
    if (!row) return { ok: false, refusal: await this.refusal(jobId, holder) };
    return { ok: true, job: snapshotOf(row), log: { id: row.log_id, jobId, level: "info", message: logMessage, createdAt: row.log_created_at } };
  }

  /**
   * Keeps a checkpoint of a job the node holds, unless the job already has one at least as late
   * (a slow upload must not replace a newer checkpoint).
   */
  async saveCheckpoint(jobId: string, holder: JobHolder, epoch: number, sha256: string): Promise<{ ok: true; job: JobRow } | { ok: false; refusal: Refusal | "stale" }> {
    const saved = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE jobs SET checkpoint_sha256 = ${sha256}, checkpoint_epoch = ${epoch}, updated_at = now()
      WHERE id = ${jobId}::uuid AND assigned_node = ${holder.nodeId}::uuid AND attempts = ${holder.attempt} AND status IN ('ASSIGNED', 'RUNNING')
        AND COALESCE(checkpoint_epoch, 0) < ${epoch}
      RETURNING id`;
    if (saved.length > 0) return { ok: true, job: (await this.get(jobId)) as JobRow };
    const job = await this.get(jobId);
    const held = job !== null && holds(job, holder) && ["ASSIGNED", "RUNNING"].includes(job.status);
    return { ok: false, refusal: held ? "stale" : await this.refusal(jobId, holder) };
  }

  /**
   * The node gave up on the job. Retryable failures go back to the queue (this node will not get
   * the job again) until the attempts are spent.
   */
  async fail(
    jobId: string,
    holder: JobHolder,
    error: string,
    retryable: boolean,
  ): Promise<{ ok: true; job: JobRow } | { ok: false; refusal: Refusal }> {
    const failed = await this.prisma.$queryRaw<{ id: string }[]>`
      WITH f AS (
        UPDATE jobs SET
          status = CASE WHEN ${retryable} AND attempts < max_attempts THEN 'QUEUED' ELSE 'FAILED' END,
          assigned_node = CASE WHEN ${retryable} AND attempts < max_attempts THEN NULL ELSE assigned_node END,
          completed_at = CASE WHEN ${retryable} AND attempts < max_attempts THEN NULL ELSE now() END,
          error = CASE WHEN ${retryable} AND attempts < max_attempts THEN error
                       ELSE format('attempt %s of %s failed: %s', attempts, max_attempts, ${error}::text) END,
          progress = CASE WHEN ${retryable} AND attempts < max_attempts THEN 0 ELSE progress END,
          updated_at = now()
        WHERE id = ${jobId}::uuid AND assigned_node = ${holder.nodeId}::uuid AND attempts = ${holder.attempt} AND status IN ('ASSIGNED', 'RUNNING')
        RETURNING id, attempts)
      UPDATE job_attempts a SET outcome = 'FAILED', error = ${error}, ended_at = now()
      FROM f WHERE a.job_id = f.id AND a.attempt = f.attempts
      RETURNING f.id`;
    if (failed.length === 0) return { ok: false, refusal: await this.refusal(jobId, holder) };
    return { ok: true, job: (await this.get(jobId)) as JobRow };
  }

  /** Cancels a job that has not finished; returns null when it already had. */
  async cancel(jobId: string, reason: string): Promise<{ job: JobRow; nodeId: string | null } | null> {
    const rows = await this.prisma.$queryRaw<{ id: string; assigned_node: string | null }[]>`
      WITH c AS (
        UPDATE jobs SET status = 'CANCELLED', completed_at = now(), updated_at = now(), error = ${reason}
        WHERE id = ${jobId}::uuid AND status IN ('QUEUED', 'ASSIGNED', 'RUNNING')
        RETURNING id, attempts, assigned_node),
      a AS (
        UPDATE job_attempts a SET outcome = 'CANCELLED', ended_at = now()
        FROM c WHERE a.job_id = c.id AND a.attempt = c.attempts AND a.outcome = 'RUNNING')
      SELECT id, assigned_node::text AS assigned_node FROM c`;
    const row = rows[0];
    if (!row) return null;
    return { job: (await this.get(jobId)) as JobRow, nodeId: row.assigned_node };
  }

  /** Pauses or resumes a job that has not ended; null when it has. */
  async setPaused(jobId: string, paused: boolean): Promise<JobRow | null> {
    const { count } = await this.prisma.job.updateMany({ where: { id: jobId, status: { in: ["QUEUED", "ASSIGNED", "RUNNING"] } }, data: { paused, updatedAt: new Date() } });
    return count > 0 ? this.get(jobId) : null;
  }

  /** Removes an ended job with its attempts, curves and logs; false when it has not ended (or is gone). */
  async delete(jobId: string): Promise<boolean> {
    const { count } = await this.prisma.job.deleteMany({ where: { id: jobId, status: { in: ["COMPLETED", "FAILED", "CANCELLED"] } } });
    return count > 0;
  }

  /** Jobs this node holds and must still start: re-sent when its assignment stream reconnects. */
  pendingFor(nodeId: string): Promise<JobRow[]> {
    return this.prisma.job.findMany({ where: { assignedNodeId: nodeId, status: "ASSIGNED" }, orderBy: { assignedAt: "asc" } });
  }

  /** Of the given job ids, those this node may keep working on, with the attempt it holds. */
  async heldBy(nodeId: string, jobIds: string[]): Promise<Map<string, number>> {
    const uuids = jobIds.filter((id) => UUID.test(id));
    if (uuids.length === 0) return new Map();
    const rows = await this.prisma.job.findMany({
      where: { id: { in: uuids }, assignedNodeId: nodeId, status: { in: ["ASSIGNED", "RUNNING"] } },
      select: { id: true, attempts: true },
    });
    return new Map(rows.map((r) => [r.id, r.attempts]));
  }

  private async refusal(jobId: string, holder: JobHolder): Promise<Refusal> {
    const job = await this.get(jobId);
    if (!job || !holds(job, holder)) return "not_assigned";
    return (job.status as JobStatusName) === "CANCELLED" ? "cancelled" : "finished";
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether the job is the holder's: its node, this attempt. */
export function holds(job: JobRow, holder: JobHolder): boolean {
  return job.assignedNodeId === holder.nodeId && job.attempts === holder.attempt;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
