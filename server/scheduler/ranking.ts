import type { Prisma } from "../db/database";
import { rankNodes, type Candidate } from "./matching";

/** How many more candidates than jobs are scored (by speed first, in SQL) before matching picks. */
const SHORTLIST_FACTOR = 4;

/**
 * The dispatcher's ranking: the queue's next job and the candidate nodes' standing, read in two
 * queries, ordered by matching.ts. Nodes that are offline or banned are left out.
 */
export async function rankForNextJob(prisma: Prisma, nodeIds: string[], limit: number): Promise<string[]> {
  const [head] = await prisma.$queryRaw<{ estimated_memory: bigint; dataset_sha256: string }[]>`
    SELECT estimated_memory, dataset_sha256 FROM jobs WHERE status = 'QUEUED' AND NOT paused
    ORDER BY priority DESC, created_at LIMIT 1`;
  if (!head) return [];
  const rows = await prisma.$queryRaw<
    { id: string; compute_score: number; reputation: number; ram_total: bigint; load: number; session_seconds: number; cached_datasets: string[] }[]
  >`
    SELECT id::text AS id, compute_score, reputation, ram_total, load,
           EXTRACT(EPOCH FROM now() - session_started_at)::float8 AS session_seconds, cached_datasets
    FROM nodes
    WHERE id = ANY(${nodeIds}::uuid[]) AND status <> 'OFFLINE' AND (banned_until IS NULL OR banned_until <= now())
    ORDER BY compute_score DESC LIMIT ${Math.max(limit * SHORTLIST_FACTOR, 32)}`;
  const candidates: Candidate[] = rows.map((r) => ({
    id: r.id,
    computeScore: r.compute_score,
    reputation: r.reputation,
    ramTotal: r.ram_total,
    load: r.load,
    sessionSeconds: r.session_seconds,
    cachedDatasets: r.cached_datasets,
  }));
  return rankNodes(candidates, { estimatedMemory: head.estimated_memory, datasetSha256: head.dataset_sha256 })
    .slice(0, limit)
    .map((c) => c.id);
}

export async function queuedCount(prisma: Prisma): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM jobs WHERE status = 'QUEUED' AND NOT paused`;
  return row?.n ?? 0;
}
