/**
 * Which idle node should take a job: hard requirements first, then a score. Pure and unit-tested;
 * the formula is documented in docs/SCHEDULING.md. Every term is a fraction from 0 to 1 (the
 * original mixed 0–100 and 0–1), so the weights say directly how much each matters.
 */

export interface Candidate {
  id: string;
  /** Measured GFLOPS of the backend it trains on. */
  computeScore: number;
  /** 0–100. */
  reputation: number;
  /** Bytes it offers jobs. */
  ramTotal: bigint;
  /** The machine's CPU load at its last heartbeat, 0–1. */
  load: number;
  /** Seconds since it registered (this session). */
  sessionSeconds: number;
  /** Datasets (SHA-256) it already holds. */
  cachedDatasets: string[];
}

export interface JobNeeds {
  estimatedMemory: bigint;
  datasetSha256: string;
}

export const WEIGHTS = { performance: 0.45, reputation: 0.25, locality: 0.15, uptime: 0.1, idleness: 0.05 } as const;

/** A session this long counts as fully proven (uptime 1). */
const SETTLED_SECONDS = 3600;

/** Why the node cannot take the job, or undefined when it can. */
export function unmetRequirement(node: Candidate, job: JobNeeds): string | undefined {
  if (node.ramTotal < job.estimatedMemory) return `needs ${job.estimatedMemory} bytes, node offers ${node.ramTotal}`;
  return undefined;
}

/**
 * score = 0.45·performance + 0.25·reputation + 0.15·locality + 0.10·uptime + 0.05·idleness, where
 * performance is log(1 + GFLOPS) / log(1 + the fleet's best GFLOPS) — logarithmic because GPUs and
 * CPUs differ 1000×, and a linear term would make every CPU node look worthless; reputation is
 * reputation/100; locality 1 when the node already holds the job's dataset; uptime the session's
 * length over an hour, capped at 1; idleness 1 − load.
 */
export function matchScore(node: Candidate, job: JobNeeds, fleetBestGflops: number): number {
  const performance = fleetBestGflops > 0 ? Math.log1p(Math.max(0, node.computeScore)) / Math.log1p(fleetBestGflops) : 0;
  const reputation = Math.min(1, Math.max(0, node.reputation / 100));
  const locality = node.cachedDatasets.includes(job.datasetSha256) ? 1 : 0;
  const uptime = Math.min(1, Math.max(0, node.sessionSeconds / SETTLED_SECONDS));
  const idleness = 1 - Math.min(1, Math.max(0, node.load));
  return (
    WEIGHTS.performance * Math.min(1, performance) +
    WEIGHTS.reputation * reputation +
    WEIGHTS.locality * locality +
    WEIGHTS.uptime * uptime +
    WEIGHTS.idleness * idleness
  );
}

/** The nodes that can take the job, best first. */
export function rankNodes(nodes: Candidate[], job: JobNeeds): Candidate[] {
  const able = nodes.filter((n) => unmetRequirement(n, job) === undefined);
  const best = Math.max(0, ...able.map((n) => n.computeScore));
  return able
    .map((node) => ({ node, score: matchScore(node, job, best) }))
    .sort((a, b) => b.score - a.score || a.node.id.localeCompare(b.node.id))
    .map((s) => s.node);
}
