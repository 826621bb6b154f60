import type { Prisma } from "../db/database";
import type { JobLog } from "../db/generated/client";
import { pairJobs, takesPaidWork, type Candidate, type Pairing, type QueuedJob } from "./matching";

/** What the round's reads need: the client or its transaction. */
type Sql = Pick<Prisma, "$queryRaw">;

/**
 * How many more jobs than nodes a round reads from the queue's head, so that a job none of these
 * nodes may take (one they failed; too big for all but one) does not leave the others idle.
 */
const HEAD_FACTOR = 2;
const HEAD_SLACK = 8;

export interface Claim extends Pairing {
  /** The job's log line saying so. */
  log: JobLog;
}

export interface ClaimRound {
  /** The jobs now assigned, each to the node it was paired with. */
  claims: Claim[];
  /** The queue held nothing any of these nodes could take. */
  queueEmpty: boolean;
}

/**
 * One dispatch round: up to `limit` jobs from the queue's head go to the best of the given nodes
 * (matching.ts pairs them), in one transaction of three statements however many jobs it moves.
 * The caller bounds the nodes (the dispatcher offers a few per job, the fastest).
 *
 * The head is read in queue order — priority first; then fair share, the k-th queued job of an
 * owner with n jobs running ranking as n + k, so one owner's thousand queued jobs never starve
 * another's one (anonymous jobs count as one owner); then oldest — and locked with FOR UPDATE SKIP
 * LOCKED, so concurrent rounds (from any number of server instances) each get different jobs and
 * none waits for another. The claim marks each job ASSIGNED, records its attempt and logs it, and
 * re-checks that the node holds no job, so a node never holds two even when instances race for
 * it. Nodes offline, banned or holding a job are not candidates; nodes on probation take unpaid
 * jobs only.
 */
export async function claimJobs(prisma: Prisma, nodeIds: string[], limit: number): Promise<ClaimRound> {
  if (nodeIds.length === 0 || limit <= 0) return { claims: [], queueEmpty: false };
  return prisma.$transaction(
    async (tx) => {
      const nodes = await freeCandidates(tx, nodeIds);
      if (nodes.length === 0) return { claims: [], queueEmpty: false };
      const head = await queueHead(tx, Math.min(limit, nodes.length) * HEAD_FACTOR + HEAD_SLACK, {
        maxMemory: nodes.reduce((max, n) => (n.ramTotal > max ? n.ramTotal : max), 0n),
        paidWork: nodes.some(takesPaidWork),
      });
      const pairs = pairJobs(head, nodes).slice(0, limit);
      if (pairs.length === 0) return { claims: [], queueEmpty: head.length === 0 };
      const claimed = await tx.$queryRaw<{ job_id: string; node_id: string; log_id: bigint; message: string; created_at: Date }[]>`
        WITH pairs AS (
          SELECT * FROM unnest(${pairs.map((p) => p.jobId)}::uuid[], ${pairs.map((p) => p.nodeId)}::uuid[]) AS p(job_id, node_id)),
        claimed AS (
          UPDATE jobs SET status = 'ASSIGNED', assigned_node = p.node_id, attempts = jobs.attempts + 1,
            assigned_at = now(), updated_at = now(), progress = 0, current_epoch = 0
          FROM pairs p
          WHERE jobs.id = p.job_id AND jobs.status = 'QUEUED' AND NOT jobs.paused
            AND NOT EXISTS (
              SELECT 1 FROM jobs held WHERE held.assigned_node = p.node_id AND held.status IN ('ASSIGNED', 'RUNNING'))
          RETURNING jobs.id, jobs.assigned_node, jobs.attempts),
        attempt AS (
          INSERT INTO job_attempts (job_id, node_id, attempt, outcome)
          SELECT id, assigned_node, attempts, 'RUNNING' FROM claimed),
        log AS (
          INSERT INTO job_logs (job_id, level, message)
          SELECT id, 'info', format('assigned to node %s (attempt %s)', assigned_node, attempts) FROM claimed
          RETURNING id, job_id, message, created_at)
        SELECT c.id::text AS job_id, c.assigned_node::text AS node_id, l.id AS log_id, l.message, l.created_at
        FROM claimed c JOIN log l ON l.job_id = c.id`;
      const place = new Map(pairs.map((p, i) => [p.jobId, i]));
      return {
        // In queue order, so the head's jobs are delivered first.
        claims: claimed.sort((a, b) => (place.get(a.job_id) ?? 0) - (place.get(b.job_id) ?? 0)).map((c) => ({
          jobId: c.job_id,
          nodeId: c.node_id,
          log: { id: c.log_id, jobId: c.job_id, level: "info", message: c.message, createdAt: c.created_at },
        })),
        queueEmpty: false,
      };
    },
    // Under a burst the pool's connections are all busy for a moment; a round may wait its turn.
    { maxWait: 10_000, timeout: 10_000 },
  );
}

/**
 * The queue's first `limit` jobs that no concurrent round holds and that some of the round's nodes
 * might take (small enough for the biggest; paid only if one may take paid work), in queue order,
 * locked until the transaction ends.
 */
async function queueHead(tx: Sql, limit: number, fits: { maxMemory: bigint; paidWork: boolean }): Promise<QueuedJob[]> {
  const rows = await tx.$queryRaw<{ id: string; estimated_memory: bigint; dataset_sha256: string; paid: boolean; failed_on: string[] }[]>`
    WITH running AS (
      SELECT user_id, count(*) AS n FROM jobs WHERE status IN ('ASSIGNED', 'RUNNING') GROUP BY user_id),
    ranked AS (
      SELECT j.id, j.priority, j.created_at,
        COALESCE(r.n, 0) + row_number() OVER (PARTITION BY j.user_id, j.priority ORDER BY j.created_at, j.id) AS share
      FROM jobs j LEFT JOIN running r ON r.user_id IS NOT DISTINCT FROM j.user_id
      WHERE j.status = 'QUEUED' AND NOT j.paused
        AND j.estimated_memory <= ${fits.maxMemory} AND (${fits.paidWork} OR j.payment_amount = 0))
    SELECT j.id::text AS id, j.estimated_memory, j.dataset_sha256, j.payment_amount > 0 AS paid,
      ARRAY(SELECT a.node_id::text FROM job_attempts a WHERE a.job_id = j.id AND a.outcome = 'FAILED') AS failed_on
    FROM ranked k JOIN jobs j ON j.id = k.id
    WHERE j.status = 'QUEUED' AND NOT j.paused
    ORDER BY k.priority DESC, k.share, k.created_at, k.id
    LIMIT ${limit}
    FOR UPDATE OF j SKIP LOCKED`;
  return rows.map((r) => ({ id: r.id, estimatedMemory: r.estimated_memory, datasetSha256: r.dataset_sha256, paid: r.paid, failedOn: r.failed_on }));
}

/** Of these nodes, those that may take a job now: online, not banned, holding none. */
async function freeCandidates(tx: Sql, nodeIds: string[]): Promise<Candidate[]> {
  const rows = await tx.$queryRaw<
    { id: string; compute_score: number; reputation: number; ram_total: bigint; load: number; session_seconds: number; cached_datasets: string[] }[]
  >`
    SELECT id::text AS id, compute_score, reputation, ram_total, load,
           EXTRACT(EPOCH FROM now() - session_started_at)::float8 AS session_seconds, cached_datasets
    FROM nodes n
    WHERE id = ANY(${nodeIds}::uuid[]) AND status <> 'OFFLINE' AND (banned_until IS NULL OR banned_until <= now())
      AND NOT EXISTS (SELECT 1 FROM jobs held WHERE held.assigned_node = n.id AND held.status IN ('ASSIGNED', 'RUNNING'))`;
  return rows.map((r) => ({
    id: r.id,
    computeScore: r.compute_score,
    reputation: r.reputation,
    ramTotal: r.ram_total,
    load: r.load,
    sessionSeconds: r.session_seconds,
    cachedDatasets: r.cached_datasets,
  }));
}

/** Whether any job waits to be handed out (an index lookup). */
export async function anyQueued(prisma: Prisma): Promise<boolean> {
  const [row] = await prisma.$queryRaw<{ queued: boolean }[]>`SELECT EXISTS (SELECT 1 FROM jobs WHERE status = 'QUEUED' AND NOT paused) AS queued`;
  return row?.queued ?? false;
}

/**
 * Puts a job that was claimed but could not be delivered (the node's stream closed at that
 * instant) back in the queue, without counting the attempt against it, and logs why.
 */
export async function releaseClaim(prisma: Prisma, jobId: string, nodeId: string): Promise<boolean> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH r AS (
      UPDATE jobs SET status = 'QUEUED', assigned_node = NULL, assigned_at = NULL, attempts = attempts - 1, updated_at = now()
      WHERE id = ${jobId}::uuid AND assigned_node = ${nodeId}::uuid AND status = 'ASSIGNED'
      RETURNING id, attempts + 1 AS attempt),
    attempt AS (
      DELETE FROM job_attempts a USING r WHERE a.job_id = r.id AND a.attempt = r.attempt),
    log AS (
      INSERT INTO job_logs (job_id, level, message)
      SELECT id, 'warn', format('not delivered: node %s went away as it was assigned; back in the queue', ${nodeId}::text) FROM r)
    SELECT id::text AS id FROM r`;
  return rows.length > 0;
}
