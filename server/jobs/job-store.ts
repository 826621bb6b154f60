import type { Access } from "../auth/capability";
import type { Prisma } from "../db/database";
import type { JobLog, JobMetric } from "../db/generated/client";
import { reachableSql } from "./job-access";
import { HELD_STATUSES, type JobHolder, type JobStatusName } from "./job-status";
import { UUID, type Completion, type JobRow, type JobSnapshot, type ProgressUpdate, type Refusal } from "./job-row";
import { cancelJob } from "./sql/cancel-job";
import { createJob, type Created, type Idempotency, type NewJob } from "./sql/create-job";
import { deleteJob } from "./sql/delete-job";
import { completeJob } from "./sql/complete-job";
import { failJob } from "./sql/fail-job";
import { pauseJob } from "./sql/pause-job";
import { recordProgress, type ProgressRecorded } from "./sql/record-progress";
import { isReadable, readableJobIds, type JobFilter } from "./sql/readable-jobs";
import { saveCheckpoint } from "./sql/save-checkpoint";
import { setJobVisibility } from "./sql/set-job-visibility";

/** How a job stands to an access: whether it may change it, whether anyone may read it, who holds it and its state. */
export interface Reach {
  reachable: boolean;
  public: boolean;
  holder: "user" | "token" | "none";
  status: JobStatusName;
}

/**
 * The jobs table: reads, and every state change (one file per operation under sql/, each a single
 * statement naming the states it expects, per job-status.ts's TRANSITIONS), so that concurrent
 * reports, cancellations and the liveness monitor can race freely: whoever loses changes nothing
 * and learns why. The claim (sql/assign-jobs.ts) and the take-backs (sql/take-back-jobs.ts) run
 * inside the scheduler's and the node store's statements.
 */
export class JobStore {
  constructor(private readonly prisma: Prisma) {}

  /** Queues a job; with an idempotency key, a retry finds the job its first request stored (see sql/create-job.ts). */
  create(job: NewJob, idempotency?: Idempotency): Promise<Created> {
    return createJob(this.prisma, job, idempotency);
  }

  async get(id: string): Promise<JobRow | null> {
    return (await this.prisma.job.findUnique({ where: { id } })) as JobRow | null;
  }

  async getMany(ids: string[]): Promise<JobRow[]> {
    return (await this.prisma.job.findMany({ where: { id: { in: ids } } })) as JobRow[];
  }

  /** The job, when the access may read it (its own, a token's, or a public one); null otherwise, as for a job that does not exist. */
  async find(id: string, access: Access): Promise<JobRow | null> {
    return (await isReadable(this.prisma, id, access)) ? this.get(id) : null;
  }

  /** The jobs the access may read, newest first; the cursor is the last job id of the previous page. */
  async list(access: Access, filter: JobFilter, options: { limit: number; after?: string }): Promise<{ rows: JobRow[]; next?: string }> {
    const ids = await readableJobIds(this.prisma, access, filter, options.limit, options.after);
    const byId = new Map((await this.getMany(ids)).map((row) => [row.id, row]));
    // A job deleted between the two statements is simply not on the page.
    const rows = ids.flatMap((id) => byId.get(id) ?? []);
    const page = rows.slice(0, options.limit);
    return { rows: page, next: ids.length > options.limit ? page[page.length - 1]?.id : undefined };
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
  recordProgress(jobId: string, holder: JobHolder, update: ProgressUpdate): Promise<ProgressRecorded> {
    return recordProgress(this.prisma, jobId, holder, update);
  }

  /** The node's result: the job, its attempt and the log line in one statement. */
  complete(jobId: string, holder: JobHolder, result: Completion, logMessage: string): Promise<{ ok: true; job: JobSnapshot; log: JobLog } | { ok: false; refusal: Refusal }> {
    return completeJob(this.prisma, jobId, holder, result, logMessage);
  }

  /** Keeps a checkpoint of a job the node holds, unless it has one at least as late ("stale"). */
  async saveCheckpoint(jobId: string, holder: JobHolder, epoch: number, sha256: string): Promise<{ ok: true; job: JobRow } | { ok: false; refusal: Refusal | "stale" }> {
    const saved = await saveCheckpoint(this.prisma, jobId, holder, epoch, sha256);
    return saved.ok ? { ok: true, job: (await this.get(jobId)) as JobRow } : saved;
  }

  /** The node gave up on the job: back to the queue when retryable and attempts remain, else failed. */
  async fail(jobId: string, holder: JobHolder, error: string, retryable: boolean): Promise<{ ok: true; job: JobRow } | { ok: false; refusal: Refusal }> {
    const failed = await failJob(this.prisma, jobId, holder, error, retryable);
    return failed.ok ? { ok: true, job: (await this.get(jobId)) as JobRow } : failed;
  }

  /** Cancels a job within reach that has not finished; null when nothing was cancelled (see reach for why). */
  async cancel(jobId: string, access: Access, reason: string): Promise<{ job: JobRow; nodeId: string | null } | null> {
    const cancelled = await cancelJob(this.prisma, jobId, access, reason);
    return cancelled ? { job: (await this.get(jobId)) as JobRow, nodeId: cancelled.nodeId } : null;
  }

  /** Pauses or resumes a job within reach that has not ended; null when nothing changed (see reach for why). */
  async setPaused(jobId: string, access: Access, paused: boolean): Promise<JobRow | null> {
    return (await pauseJob(this.prisma, jobId, access, paused)) ? this.get(jobId) : null;
  }

  /** Removes an ended job within reach with its attempts, curves and logs; false when nothing was removed (see reach for why). */
  delete(jobId: string, access: Access): Promise<boolean> {
    return deleteJob(this.prisma, jobId, access);
  }

  /** Makes a job within reach public or private; null when nothing changed (see reach for why). */
  async setVisibility(jobId: string, access: Access, visible: boolean): Promise<JobRow | null> {
    return (await setJobVisibility(this.prisma, jobId, access, visible)) ? this.get(jobId) : null;
  }

  /**
   * Why a change made with this access found nothing to change, read after its statement missed:
   * the job is gone (null), or whether it is in reach, who holds it (a user, a token's holder, or
   * no one) and its state, which the change may not start from.
   */
  async reach(jobId: string, access: Access): Promise<Reach | null> {
    const [row] = await this.prisma.$queryRaw<Reach[]>`
      SELECT ${reachableSql(access)} AS reachable, public, CASE WHEN user_id IS NOT NULL THEN 'user' WHEN token_hash IS NOT NULL THEN 'token' ELSE 'none' END AS holder, status
      FROM jobs WHERE id = ${jobId}::uuid`;
    return row ?? null;
  }

  /** Jobs this node holds and must still start: re-sent when its assignment stream reconnects. */
  async pendingFor(nodeId: string): Promise<JobRow[]> {
    return (await this.prisma.job.findMany({ where: { assignedNodeId: nodeId, status: "ASSIGNED" }, orderBy: { assignedAt: "asc" } })) as JobRow[];
  }

  /** Of the given job ids, those this node may keep working on, with the attempt it holds. */
  async heldBy(nodeId: string, jobIds: string[]): Promise<Map<string, number>> {
    const uuids = jobIds.filter((id) => UUID.test(id));
    if (uuids.length === 0) return new Map();
    const rows = await this.prisma.job.findMany({
      where: { id: { in: uuids }, assignedNodeId: nodeId, status: { in: [...HELD_STATUSES] } },
      select: { id: true, attempts: true },
    });
    return new Map(rows.map((r) => [r.id, r.attempts]));
  }
}
