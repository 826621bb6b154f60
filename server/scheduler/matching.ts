/**
 * Which idle node should take a job: hard requirements first, then a score. Pure and unit-tested;
 * the formula is documented in docs/SCHEDULING.md. Every term is a fraction from 0 to 1 (the
 * original mixed 0–100 and 0–1), so the weights say directly how much each matters.
 */
import { tierOf } from "../nodes/reputation";

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
  /** It registered a wallet it proved it holds: somewhere a paid job's release can go. */
  hasWallet: boolean;
}

export interface JobNeeds {
  estimatedMemory: bigint;
  datasetSha256: string;
  /** The owner pays for it (escrow): nodes on probation, and nodes with no wallet, may not take it. */
  paid: boolean;
}

/** A queued job as the dispatcher sees it, in queue order. */
export interface QueuedJob extends JobNeeds {
  id: string;
  /** Nodes that already failed it: it is never offered to them again. */
  failedOn: string[];
}

export interface Pairing {
  jobId: string;
  nodeId: string;
}

export const WEIGHTS = { performance: 0.45, reputation: 0.25, locality: 0.15, uptime: 0.1, idleness: 0.05 } as const;

/** A session this long counts as fully proven (uptime 1). */
const SETTLED_SECONDS = 3600;

/** Why the node cannot take the job, or undefined when it can. */
export function unmetRequirement(node: Candidate, job: JobNeeds): string | undefined {
  if (node.ramTotal < job.estimatedMemory) return `needs ${job.estimatedMemory} bytes, node offers ${node.ramTotal}`;
  if (job.paid && !node.hasWallet) return "a paid job; the node has no wallet to be paid into and takes unpaid work only";
  if (job.paid && !takesPaidWork(node)) return `a paid job; the node is on probation (reputation ${node.reputation}) and takes unpaid work only`;
  return undefined;
}

/**
 * Nodes on probation (reputation 25–49) are trusted with unpaid and verification work only; a node
 * without a wallet could be given paid work but never paid for it, so it takes free jobs only.
 */
export function takesPaidWork(node: Pick<Candidate, "reputation" | "hasWallet">): boolean {
  return node.hasWallet && tierOf(node.reputation) !== "probation";
}

/**
 * score = 0.45·performance + 0.25·reputation + 0.15·locality + 0.10·uptime + 0.05·idleness, where
 * performance is log(1 + GFLOPS) / log(1 + the candidates' best GFLOPS) — logarithmic because GPUs
 * and CPUs differ 1000×, and a linear term would make every CPU node look worthless; reputation is
 * reputation/100; locality 1 when the node already holds the job's dataset; uptime the session's
 * length over an hour, capped at 1; idleness 1 − load.
 */
export function matchScore(node: Candidate, job: JobNeeds, fleetBestGflops: number): number {
  return standing(node, fleetBestGflops) + (node.cachedDatasets.includes(job.datasetSha256) ? WEIGHTS.locality : 0);
}

/** Every term of the score but locality: what the node brings to any job. */
function standing(node: Candidate, fleetBestGflops: number): number {
  const performance = fleetBestGflops > 0 ? Math.log1p(Math.max(0, node.computeScore)) / Math.log1p(fleetBestGflops) : 0;
  const reputation = Math.min(1, Math.max(0, node.reputation / 100));
  const uptime = Math.min(1, Math.max(0, node.sessionSeconds / SETTLED_SECONDS));
  const idleness = 1 - Math.min(1, Math.max(0, node.load));
  return WEIGHTS.performance * Math.min(1, performance) + WEIGHTS.reputation * reputation + WEIGHTS.uptime * uptime + WEIGHTS.idleness * idleness;
}

interface Scored {
  node: Candidate;
  standing: number;
  taken: boolean;
}

/**
 * Which free node takes which job. Jobs are served in the order given (the queue's: priority, fair
 * share, age), each getting the highest-scoring node still free that meets its requirements and
 * has not failed it — so the queue's head gets the best nodes. A job no free node can take is left
 * out. Ties go to the lower node id.
 *
 * The score splits into the node's standing (the same for every job) and locality, so nodes are
 * sorted once by standing: a job's best node is either the first free able node in that order, or
 * the first free able one among those holding its dataset (standing + the locality weight).
 */
export function pairJobs(jobs: QueuedJob[], nodes: Candidate[]): Pairing[] {
  const best = nodes.reduce((max, n) => Math.max(max, n.computeScore), 0);
  const order: Scored[] = nodes.map((node) => ({ node, standing: standing(node, best), taken: false })).sort((a, b) => b.standing - a.standing || a.node.id.localeCompare(b.node.id));
  const holders = new Map<string, Scored[]>();
  for (const s of order) {
    for (const sha of s.node.cachedDatasets) {
      const list = holders.get(sha) ?? [];
      if (list.length === 0) holders.set(sha, list);
      list.push(s);
    }
  }
  const pairs: Pairing[] = [];
  for (const job of jobs) {
    const failed = new Set(job.failedOn);
    const able = (s: Scored) => !s.taken && !failed.has(s.node.id) && unmetRequirement(s.node, job) === undefined;
    const scoreOf = (s: Scored) => s.standing + (s.node.cachedDatasets.includes(job.datasetSha256) ? WEIGHTS.locality : 0);
    const anywhere = order.find(able);
    const local = holders.get(job.datasetSha256)?.find(able);
    const pick = [anywhere, local].filter((s): s is Scored => s !== undefined).sort((a, b) => scoreOf(b) - scoreOf(a) || a.node.id.localeCompare(b.node.id))[0];
    if (!pick) continue;
    pick.taken = true;
    pairs.push({ jobId: job.id, nodeId: pick.node.id });
  }
  return pairs;
}
