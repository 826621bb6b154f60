import type { Prisma } from "../db/database";
import type { JobLog } from "../db/generated/client";
import { claimableSql, heldSql } from "../jobs/job-status";
import { assignJobs } from "../jobs/sql/assign-jobs";
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
 * none waits for another. The claim (jobs/sql/assign-jobs.ts) marks each job ASSIGNED, records its
 * attempt and logs it, and re-checks that the node holds no job, so a node never holds two even
 * when instances race for it. Nodes offline, banned or holding a job are not candidates; nodes on probation take unpaid
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
      const claimed = await assignJobs(tx, pairs);
      const place = new Map(pairs.map((p, i) => [p.jobId, i]));
      // In queue order, so the head's jobs are delivered first.
      return { claims: claimed.sort((a, b) => (place.get(a.jobId) ?? 0) - (place.get(b.jobId) ?? 0)), queueEmpty: false };
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
      SELECT user_id, count(*) AS n FROM jobs WHERE ${heldSql()} GROUP BY user_id),
    ranked AS (
      SELECT j.id, j.priority, j.created_at,
        COALESCE(r.n, 0) + row_number() OVER (PARTITION BY j.user_id, j.priority ORDER BY j.created_at, j.id) AS share
      FROM jobs j LEFT JOIN running r ON r.user_id IS NOT DISTINCT FROM j.user_id
      WHERE ${claimableSql("j")}
        AND j.estimated_memory <= ${fits.maxMemory} AND (${fits.paidWork} OR j.price_lamports = 0))
    SELECT j.id::text AS id, j.estimated_memory, j.dataset_sha256, j.price_lamports > 0 AS paid,
      ARRAY(SELECT a.node_id::text FROM job_attempts a WHERE a.job_id = j.id AND a.outcome = 'FAILED') AS failed_on
    FROM ranked k JOIN jobs j ON j.id = k.id
    WHERE ${claimableSql("j")}
    ORDER BY k.priority DESC, k.share, k.created_at, k.id
    LIMIT ${limit}
    FOR UPDATE OF j SKIP LOCKED`;
  return rows.map((r) => ({ id: r.id, estimatedMemory: r.estimated_memory, datasetSha256: r.dataset_sha256, paid: r.paid, failedOn: r.failed_on }));
}

/** Of these nodes, those that may take a job now: online, not banned, holding none. */
async function freeCandidates(tx: Sql, nodeIds: string[]): Promise<Candidate[]> {
  const rows = await tx.$queryRaw<
    { id: string; compute_score: number; reputation: number; ram_total: bigint; load: number; session_seconds: number; cached_datasets: string[]; has_wallet: boolean }[]
  >`
    SELECT id::text AS id, compute_score, reputation, ram_total, load,
           EXTRACT(EPOCH FROM now() - session_started_at)::float8 AS session_seconds, cached_datasets, wallet_address IS NOT NULL AS has_wallet
    FROM nodes n
    WHERE id = ANY(${nodeIds}::uuid[]) AND status <> 'OFFLINE' AND (banned_until IS NULL OR banned_until <= now())
      AND NOT EXISTS (SELECT 1 FROM jobs held WHERE held.assigned_node = n.id AND ${heldSql("held")})`;
  return rows.map((r) => ({
    id: r.id,
    computeScore: r.compute_score,
    reputation: r.reputation,
    ramTotal: r.ram_total,
    load: r.load,
    sessionSeconds: r.session_seconds,
    cachedDatasets: r.cached_datasets,
    hasWallet: r.has_wallet,
  }));
}

/** Whether any job waits to be handed out (an index lookup). */
export async function anyQueued(prisma: Prisma): Promise<boolean> {
  const [row] = await prisma.$queryRaw<{ queued: boolean }[]>`SELECT EXISTS (SELECT 1 FROM jobs WHERE ${claimableSql()}) AS queued`;
  return row?.queued ?? false;
}
