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
  /** Called after a job was handed to a node, to publish the status change. */
  onAssigned: (job: JobRow, log: JobLog) => Promise<void>;
  onError: (error: unknown) => void;
}

/**
 * Matches queued jobs to the nodes whose assignment streams this instance holds. Claims go
 * through the database (claimJob), so instances never hand out the same job; per node, claims
 * run one at a time, so a node never holds two jobs.
 */
export class Dispatcher {
  private readonly nodes = new Map<string, AttachedNode>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly deps: DispatcherDeps) {}

  /** A node opened its assignment stream; deliver() returns false once the stream is gone. */
  attach(nodeId: string, deliver: (job: JobRow) => boolean): () => void {
    const entry: AttachedNode = { deliver, busy: false };
    this.nodes.set(nodeId, entry);
    void this.serialize(nodeId, () => this.redeliver(nodeId, entry));
    void this.nudge(nodeId);
    return () => {
      if (this.nodes.get(nodeId) === entry) this.nodes.delete(nodeId);
    };
  }

  get attachedCount(): number {
    return this.nodes.size;
  }

  /** The node may be free now (it finished, failed or lost a job): try to give it work. */
  nudge(nodeId: string): Promise<void> {
    const entry = this.nodes.get(nodeId);
    if (!entry) return Promise.resolve();
    entry.busy = false;
    return this.serialize(nodeId, () => this.assign(nodeId));
  }

  /** Work may be available: try every attached node that is not known to be busy. */
  async nudgeAll(includeBusy = false): Promise<void> {
    const ids = [...this.nodes].filter(([, n]) => includeBusy || !n.busy).map(([id]) => id);
    await Promise.all(ids.map((id) => this.serialize(id, () => this.assign(id))));
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
