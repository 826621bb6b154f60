import type { Prisma } from "../db/database";
import type { Node } from "../db/generated/client";

export type NodeRow = Node;

export interface NewNode {
  name: string;
  runtime: string;
  userAgent?: string;
  ipAddress?: string;
  cpuCores: number;
  ramTotal: bigint;
  computeScore: number;
  backend: string;
  devices: object[];
  walletAddress?: string;
  publicKey?: string;
  region?: string;
}

export interface HeartbeatSample {
  status: "IDLE" | "BUSY";
  cpuUsage?: number;
  gpuUsage?: number;
  memoryUsed?: bigint;
  jobsActive: number;
  samplesPerSecond?: number;
}

export interface LostJob {
  id: string;
  status: string;
}

export class NodeStore {
  constructor(private readonly prisma: Prisma) {}

  register(node: NewNode): Promise<NodeRow> {
    return this.prisma.node.create({ data: { ...node, status: "IDLE" } });
  }

  get(id: string): Promise<NodeRow | null> {
    return this.prisma.node.findUnique({ where: { id } });
  }

  list(): Promise<NodeRow[]> {
    return this.prisma.node.findMany({ orderBy: [{ lastSeen: "desc" }], take: 500 });
  }

  /** Records that the node is alive, with a telemetry sample for its time series. */
  async heartbeat(id: string, sample: HeartbeatSample): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.node.update({ where: { id }, data: { lastSeen: new Date(), status: sample.status } }),
      this.prisma.nodeMetric.create({
        data: {
          nodeId: id,
          cpuUsage: sample.cpuUsage,
          gpuUsage: sample.gpuUsage,
          memoryUsed: sample.memoryUsed,
          jobsActive: sample.jobsActive,
          samplesPerSecond: sample.samplesPerSecond,
        },
      }),
    ]);
  }

  /** Any sign of life (an assignment stream opening, a progress report) keeps the node online. */
  async touch(id: string): Promise<void> {
    await this.prisma.$executeRaw`UPDATE nodes SET last_seen = now(), status = CASE WHEN status = 'OFFLINE' THEN 'IDLE' ELSE status END WHERE id = ${id}::uuid`;
  }

  /**
   * Marks nodes silent for longer than the timeout as offline and takes their jobs back: to the
   * queue while attempts remain, else failed. One statement, so instances running this together
   * never move a job twice.
   */
  async reapSilent(timeoutSeconds: number): Promise<LostJob[]> {
    return this.prisma.$queryRaw<LostJob[]>`
      WITH lost AS (
        UPDATE nodes SET status = 'OFFLINE'
        WHERE status <> 'OFFLINE' AND last_seen < now() - make_interval(secs => ${timeoutSeconds})
        RETURNING id),
      moved AS (
        UPDATE jobs SET
          status = CASE WHEN attempts < max_attempts THEN 'QUEUED' ELSE 'FAILED' END,
          assigned_node = CASE WHEN attempts < max_attempts THEN NULL ELSE assigned_node END,
          completed_at = CASE WHEN attempts < max_attempts THEN NULL ELSE now() END,
          error = CASE WHEN attempts < max_attempts THEN error
                       ELSE format('attempt %s of %s lost: its node stopped sending heartbeats', attempts, max_attempts) END,
          progress = CASE WHEN attempts < max_attempts THEN 0 ELSE progress END,
          updated_at = now()
        WHERE assigned_node IN (SELECT id FROM lost) AND status IN ('ASSIGNED', 'RUNNING')
        RETURNING id, attempts, status),
      attempt AS (
        UPDATE job_attempts a SET outcome = 'LOST', error = 'node stopped sending heartbeats', ended_at = now()
        FROM moved WHERE a.job_id = moved.id AND a.attempt = moved.attempts)
      SELECT id::text AS id, status FROM moved`;
  }
}
