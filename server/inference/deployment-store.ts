import type { Access } from "../auth/capability";
import type { Prisma } from "../db/database";
import type { Deployment } from "../db/generated/client";
import { reachableSql } from "../jobs/job-access";

export type DeploymentRow = Deployment;

/** Deployments: which completed job's model is served under which name, by which node. */
export class DeploymentStore {
  constructor(private readonly prisma: Prisma) {}

  /**
   * A new deployment of a completed job's model, made with an access that reaches the job (checked
   * in the insert, see jobs/job-access.ts); undefined when the job is out of reach or not completed,
   * or the name is taken.
   */
  async create(deployment: { name: string; jobId: string; userId?: string }, access: Access): Promise<DeploymentRow | undefined> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO deployments (name, job_id, user_id, status)
      SELECT ${deployment.name}, j.id, ${deployment.userId ?? null}::uuid, 'PENDING' FROM jobs j
      WHERE j.id = ${deployment.jobId}::uuid AND ${reachableSql(access, "j")} AND j.status = 'COMPLETED' AND j.model_weights_sha256 IS NOT NULL
      ON CONFLICT (name) DO NOTHING RETURNING id::text AS id`;
    return rows[0] ? ((await this.get(rows[0].id)) ?? undefined) : undefined;
  }

  get(id: string): Promise<DeploymentRow | null> {
    return this.prisma.deployment.findUnique({ where: { id } });
  }

  /**
   * The deployment of that name a user may call: their own, or one made anonymously (of an
   * anonymous job, which anyone may call). Another user's is not found, in the same statement.
   */
  callableByName(name: string, userId: string): Promise<DeploymentRow | null> {
    return this.prisma.deployment.findFirst({ where: { name, OR: [{ userId }, { userId: null }] } });
  }

  /** The deployments a user may call (callableByName's rule), oldest first. */
  callableBy(userId: string): Promise<DeploymentRow[]> {
    return this.prisma.deployment.findMany({ where: { OR: [{ userId }, { userId: null }] }, orderBy: { createdAt: "asc" } });
  }

  /**
   * The deployments an access reaches, oldest first: the user's own, and ownerless ones (made
   * anonymously) of the jobs whose tokens it holds. Nothing without either.
   */
  reachableBy(access: Access): Promise<DeploymentRow[]> {
    const ways = [...(access.userId ? [{ userId: access.userId }] : []), ...(access.tokenHashes.length > 0 ? [{ userId: null, job: { userId: null, tokenHash: { in: access.tokenHashes } } }] : [])];
    if (ways.length === 0) return Promise.resolve([]);
    return this.prisma.deployment.findMany({ where: { OR: ways }, orderBy: { createdAt: "asc" } });
  }

  /** The deployments a node serves (or was asked to): re-sent when its stream reconnects. */
  onNode(nodeId: string): Promise<DeploymentRow[]> {
    return this.prisma.deployment.findMany({ where: { nodeId, status: { in: ["PENDING", "READY"] } } });
  }

  /** Asks a node to serve the deployment (it is pending until the node says it loaded it). */
  async place(id: string, nodeId: string): Promise<void> {
    await this.prisma.deployment.update({ where: { id }, data: { nodeId, status: "PENDING", error: null, updatedAt: new Date() } });
  }

  /** The node went away: the deployment waits to be placed again, unless another node already has it. */
  async release(id: string, nodeId: string): Promise<void> {
    await this.prisma.deployment.updateMany({ where: { id, nodeId }, data: { nodeId: null, status: "PENDING", updatedAt: new Date() } });
  }

  /** The node's answer; ignored unless that node is still the one asked. */
  async settle(id: string, nodeId: string, outcome: { ready: true } | { ready: false; error: string }): Promise<DeploymentRow | undefined> {
    const { count } = await this.prisma.deployment.updateMany({
      where: { id, nodeId },
      data: outcome.ready ? { status: "READY", error: null, updatedAt: new Date() } : { status: "FAILED", error: outcome.error, nodeId: null, updatedAt: new Date() },
    });
    return count > 0 ? ((await this.get(id)) ?? undefined) : undefined;
  }

  /**
   * Removes the deployment if the access reaches it (reachableBy's rule, checked in the same
   * statement); what it was, for telling its node, or undefined when it reaches none.
   */
  async deleteReachable(id: string, access: Access): Promise<{ nodeId: string | null } | undefined> {
    // A job with a token has no owner (jobs_owner_or_token), so its token alone says it is anonymous.
    const rows = await this.prisma.$queryRaw<{ node_id: string | null }[]>`
      DELETE FROM deployments d USING jobs j
      WHERE d.id = ${id}::uuid AND j.id = d.job_id AND ${reachableSql(access, undefined, { owner: "d.user_id", token: "j.token_hash" })}
      RETURNING d.node_id::text AS node_id`;
    return rows[0] ? { nodeId: rows[0].node_id } : undefined;
  }
}
