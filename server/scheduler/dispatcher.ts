import type { Prisma } from "../db/database";
import type { JobLog } from "../db/generated/client";
import type { JobRow, JobStore } from "../jobs/job-store";
import { claimJob, releaseClaim } from "./claim";

interface AttachedNode {
  deliver: (job: JobRow) => boolean;
  busy: boolean;
}

export interface DispatcherDeps {
  prisma: Prisma;
  jobs: JobStore;
  /** Jobs waiting to be handed out (queued, not paused), across all instances. */
  queuedCount: () => Promise<number>;
  /** Of these nodes, those that may take the queue's next job, best first (matching.ts), at most limit. */
  rank: (nodeIds: string[], limit: number) => Promise<string[]>;
  /** Called after a job was handed to a node, to publish the status change. */
  onAssigned: (job: JobRow, log: JobLog) => Promise<void>;
  onError: (error: unknown) => void;
}

/** Claims in flight at once during a dispatch round: enough to keep the pool busy, few enough to keep order. */
const CLAIM_CONCURRENCY = 8;

/**
 * Matches queued jobs to the nodes whose assignment streams this instance holds. Claims go
 * through the database (claimJob), so instances never hand out the same job; per node, claims
 * run one at a time, so a node never holds two jobs.
 *
 * Work is offered per job, not per node: a dispatch round counts the queued jobs (one query) and
 * lets only that many of the best idle nodes claim, best first. With an empty queue a round costs
 * one count, and a free node's nudge costs nothing.
 */
export class Dispatcher {
  private readonly nodes = new Map<string, AttachedNode>();
  private readonly chains = new Map<string, Promise<void>>();
  private round?: Promise<void>;
  private again = false;
  /** The last round found nothing queued (until a wake-up says otherwise). */
  private queueEmpty = false;

  constructor(private readonly deps: DispatcherDeps) {}

  /** A node opened its assignment stream; deliver() returns false once the stream is gone. */
  attach(nodeId: string, deliver: (job: JobRow) => boolean): () => void {
    const entry: AttachedNode = { deliver, busy: false };
    this.nodes.set(nodeId, entry);
    void this.serialize(nodeId, () => this.redeliver(nodeId, entry));
    void this.dispatch();
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
    return this.serialize(nodeId, () => this.assign(nodeId));
  }

  /**
   * Work may be available (a job was queued somewhere, or the periodic sweep): one round offers
   * the queued jobs to the best idle nodes. Wake-ups during a round fold into one more round.
   * The sweep also offers work to nodes believed busy, in case a job ended on another instance.
   */
  dispatch(sweep = false): Promise<void> {
    this.queueEmpty = false;
    if (this.round) {
      this.again = true;
      return this.round;
    }
    this.round = (async () => {
      try {
        do {
          this.again = false;
          await this.offer(sweep);
        } while (this.again);
      } catch (error) {
        this.deps.onError(error);
      } finally {
        this.round = undefined;
      }
    })();
    return this.round;
  }

  private async offer(includeBusy: boolean): Promise<void> {
    const candidates = [...this.nodes].filter(([, n]) => includeBusy || !n.busy).map(([id]) => id);
    if (candidates.length === 0) return;
    const queued = await this.deps.queuedCount();
    this.queueEmpty = queued === 0;
    if (queued === 0) return;
    const ranked = await this.deps.rank(candidates, queued);
    for (let i = 0; i < ranked.length; i += CLAIM_CONCURRENCY) {
      await Promise.all(ranked.slice(i, i + CLAIM_CONCURRENCY).map((id) => this.serialize(id, () => this.assign(id))));
    }
  }

  private async assign(nodeId: string): Promise<void> {
    const entry = this.nodes.get(nodeId);
    if (!entry) return;
    const jobId = await claimJob(this.deps.prisma, nodeId);
    if (!jobId) return;
    const job = (await this.deps.jobs.get(jobId)) as JobRow;
    if (this.nodes.get(nodeId) !== entry || !entry.deliver(job)) {
      await releaseClaim(this.deps.prisma, jobId, nodeId);
      return;
    }
    entry.busy = true;
    const log = await this.deps.jobs.log(jobId, "info", `assigned to node ${nodeId} (attempt ${job.attempts})`);
    await this.deps.onAssigned(job, log);
  }

  /** Jobs claimed for the node whose delivery it may have missed (its stream broke). */
  private async redeliver(nodeId: string, entry: AttachedNode): Promise<void> {
    for (const job of await this.deps.jobs.pendingFor(nodeId)) {
      if (!entry.deliver(job)) return;
      entry.busy = true;
    }
  }

  private serialize(nodeId: string, task: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(nodeId) ?? Promise.resolve();
    const next = previous.then(task).catch((error: unknown) => this.deps.onError(error));
    this.chains.set(nodeId, next);
    void next.then(() => {
      if (this.chains.get(nodeId) === next) this.chains.delete(nodeId);
    });
    return next;
  }
}
