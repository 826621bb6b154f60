import type { JobLog } from "../db/generated/client";
import type { JobStore } from "../jobs/job-store";
import type { JobRow } from "../jobs/job-row";
import type { ClaimRound } from "./claim";

interface AttachedNode {
  deliver: (job: JobRow) => boolean;
  busy: boolean;
  /** Its compute score when it attached: which idle nodes a round offers work to first. */
  computeScore: number;
}

export interface DispatcherDeps {
  jobs: JobStore;
  /** One claim round: up to `limit` queued jobs paired with the best of these nodes (claim.ts). */
  claim: (nodeIds: string[], limit: number) => Promise<ClaimRound>;
  /** Whether anything at all is queued (a cheap probe before a sweep's round). */
  anyQueued: () => Promise<boolean>;
  /** Puts back a claimed job that could not be delivered. */
  release: (jobId: string, nodeId: string) => Promise<unknown>;
  /** Called after a job was handed to a node, to publish the status change. */
  onAssigned: (job: JobRow, log: JobLog) => Promise<void>;
  onError: (error: unknown) => void;
}

/** Jobs one round hands out at most: big enough to drain a burst in a few rounds, small enough to deliver the first ones fast. */
const ROUND_LIMIT = 500;
/**
 * Idle nodes a round offers work to, per job it may hand out: the fastest by their score at
 * attach time, so that a round among ten thousand idle nodes does not send ten thousand ids to
 * the database (matching then picks among these with their current standing).
 */
const CANDIDATES_PER_JOB = 4;
const MIN_CANDIDATES = 32;

/**
 * Matches queued jobs to the nodes whose assignment streams this instance holds. Work is handed
 * out in rounds: one round claims as many queued jobs as there are idle nodes (up to a limit) in
 * one transaction, whatever the number, then delivers them. Claims go through the database, so
 * instances never hand out the same job, and a node never holds two.
 *
 * Wake-ups (a job queued, a node freed, the periodic sweep) during a round fold into one more
 * round; with an empty queue a freed node's wake-up costs nothing.
 */
export class Dispatcher {
  private readonly nodes = new Map<string, AttachedNode>();
  private round?: Promise<void>;
  private again = false;
  private sweep = false;
  /** The last round found nothing queued (until a wake-up says otherwise). */
  private queueEmpty = false;

  constructor(private readonly deps: DispatcherDeps) {}

  /** A node opened its assignment stream; deliver() returns false once the stream is gone. */
  attach(nodeId: string, deliver: (job: JobRow) => boolean, computeScore = 0): () => void {
    const entry: AttachedNode = { deliver, busy: false, computeScore };
    this.nodes.set(nodeId, entry);
    void this.redeliver(entry, nodeId)
      .catch((error: unknown) => this.deps.onError(error))
      .then(() => this.dispatch());
    return () => {
      if (this.nodes.get(nodeId) === entry) this.nodes.delete(nodeId);
    };
  }

  get attachedCount(): number {
    return this.nodes.size;
  }

  /** The node may be free now (it finished, failed or lost a job): give it work if there is any. */
  nudge(nodeId: string): Promise<void> {
    const entry = this.nodes.get(nodeId);
    if (!entry) return Promise.resolve();
    entry.busy = false;
    if (this.queueEmpty) return Promise.resolve();
    return this.dispatch();
  }

  /**
   * Work may be available (a job was queued somewhere, a node freed, or the periodic sweep).
   * The sweep also offers work to nodes believed busy, in case their job ended on another instance.
   */
  dispatch(sweep = false): Promise<void> {
    if (!sweep) this.queueEmpty = false;
    this.sweep ||= sweep;
    if (this.round) {
      this.again = true;
      return this.round;
    }
    this.round = (async () => {
      try {
        do {
          this.again = false;
          const includeBusy = this.sweep;
          this.sweep = false;
          if (await this.offer(includeBusy)) this.again = true;
        } while (this.again);
      } catch (error) {
        this.deps.onError(error);
      } finally {
        this.round = undefined;
      }
    })();
    return this.round;
  }

  /** One round; true when it filled its limit, so more may be waiting. */
  private async offer(includeBusy: boolean): Promise<boolean> {
    // A sweep with the queue last seen empty only asks whether that is still so.
    if (this.queueEmpty && !(await this.deps.anyQueued())) return false;
    const idle = [...this.nodes].filter(([, n]) => includeBusy || !n.busy);
    if (idle.length === 0) return false;
    const limit = Math.min(idle.length, ROUND_LIMIT);
    const shortlist = Math.max(limit * CANDIDATES_PER_JOB, MIN_CANDIDATES);
    const candidates = (idle.length > shortlist ? idle.sort(([, a], [, b]) => b.computeScore - a.computeScore).slice(0, shortlist) : idle).map(([id]) => id);
    const { claims, queueEmpty } = await this.deps.claim(candidates, limit);
    this.queueEmpty = queueEmpty;
    if (claims.length === 0) return false;
    const rows = new Map((await this.deps.jobs.getMany(claims.map((c) => c.jobId))).map((j) => [j.id, j]));
    for (const { jobId, nodeId, log } of claims) {
      const entry = this.nodes.get(nodeId);
      const job = rows.get(jobId) as JobRow;
      if (entry?.deliver(job)) {
        entry.busy = true;
        await this.deps.onAssigned(job, log);
      } else {
        await this.deps.release(jobId, nodeId);
      }
    }
    return claims.length === limit;
  }

  /** Jobs claimed for the node whose delivery it may have missed (its stream broke). */
  private async redeliver(entry: AttachedNode, nodeId: string): Promise<void> {
    for (const job of await this.deps.jobs.pendingFor(nodeId)) {
      if (!entry.deliver(job)) return;
      entry.busy = true;
    }
  }
}
