import type { Prisma } from "../db/database";
import { Prisma as PrismaNamespace, type Node } from "../db/generated/client";
import { applyReputationEvent, MAX_REPUTATION, REPUTATION_DELTAS, type ReputationEvent, type Standing } from "./reputation";
import { groupCommit } from "../util/group-commit";
import type { NodeLive } from "../cache/hot-state";
import { statusIn } from "../jobs/job-status";
import { takeBackJobs, type LostJob } from "../jobs/sql/take-back-jobs";

const { sql } = PrismaNamespace;

export type NodeRow = Node;

/** What a node measured it can do: the devices, the backend it trains on and its GFLOPS there. */
export interface NodeCapabilities {
  computeScore: number;
  backend: string;
  devices: object[];
}

export interface NewNode extends NodeCapabilities {
  name: string;
  runtime: string;
  userAgent?: string;
  ipAddress?: string;
  cpuCores: number;
  ramTotal: bigint;
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
  /** What the heartbeat changes about the node when it says so: the datasets it holds now (for data locality), */
  cachedDatasets?: string[];
  /** its measured devices after a re-probe, */
  capabilities?: NodeCapabilities;
  /** the memory it offers jobs (its volunteer set a limit). */
  ramTotal?: bigint;
}

export interface MetricBucket {
  bucket: Date;
  cpu_usage: number | null;
  gpu_usage: number | null;
  memory_used: number | null;
  samples_per_second: number | null;
  jobs_active: number | null;
}

export class NodeStore {
  constructor(private readonly prisma: Prisma) {}

  get(id: string): Promise<NodeRow | null> {
    return this.prisma.node.findUnique({ where: { id } });
  }

  list(limit = 500): Promise<NodeRow[]> {
    return this.prisma.node.findMany({ orderBy: [{ lastSeen: "desc" }], take: limit });
  }

  /** The node's telemetry averaged into buckets (downsampled at read time, any span). */
  metricSeries(nodeId: string, since: Date, until: Date, bucketSeconds: number): Promise<MetricBucket[]> {
    return this.prisma.$queryRaw<MetricBucket[]>`
      SELECT date_bin(make_interval(secs => ${bucketSeconds}), timestamp, TIMESTAMPTZ '2000-01-01') AS bucket,
             avg(cpu_usage)::float8 AS cpu_usage, avg(gpu_usage)::float8 AS gpu_usage, avg(memory_used)::float8 AS memory_used,
             avg(samples_per_second)::float8 AS samples_per_second, avg(jobs_active)::float8 AS jobs_active
      FROM metrics WHERE node_id = ${nodeId}::uuid AND timestamp >= ${since} AND timestamp < ${until}
      GROUP BY bucket ORDER BY bucket`;
  }

  /** Each node's newest telemetry sample of the last `withinSeconds`, as the hot state keeps it. */
  async latestSamples(nodeIds: string[], withinSeconds: number): Promise<Map<string, NodeLive>> {
    const rows = await this.prisma.$queryRaw<(NodeLive & { nodeId: string })[]>`
      SELECT DISTINCT ON (node_id) node_id::text AS "nodeId", cpu_usage::float8 AS "cpuUsage", gpu_usage::float8 AS "gpuUsage",
             memory_used::float8 AS "memoryUsed", samples_per_second::float8 AS "samplesPerSecond", jobs_active AS "jobsActive",
             (extract(epoch FROM timestamp) * 1000)::float8 AS at
      FROM metrics WHERE node_id = ANY(${nodeIds}::uuid[]) AND timestamp > now() - make_interval(secs => ${withinSeconds})
      ORDER BY node_id, timestamp DESC`;
    return new Map(rows.map(({ nodeId, ...live }) => [nodeId, live]));
  }

  /** Retention: telemetry older than this is deleted. */
  async pruneMetrics(olderThan: Date): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM metrics WHERE timestamp < ${olderThan}`;
  }

  /**
   * Records that the node is alive, with a telemetry sample for its time series. Every node sends
   * one every 10 s, so heartbeats arriving together are written together (group commit): one
   * statement for the lot, which also applies what the heartbeat changes about the node. False
   * for an unknown node.
   */
  heartbeat(id: string, sample: HeartbeatSample): Promise<boolean> {
    return this.recordHeartbeats({ id, sample });
  }

  private readonly recordHeartbeats = groupCommit(this.writeHeartbeats.bind(this), { writers: 2 });

  private async writeHeartbeats(beats: { id: string; sample: HeartbeatSample }[]): Promise<boolean[]> {
    const column = <T>(pick: (s: HeartbeatSample) => T) => beats.map((b) => pick(b.sample));
    const rows = await this.prisma.$queryRaw<{ node_id: string }[]>`
      WITH beat AS (
        SELECT * FROM unnest(${beats.map((b) => b.id)}::uuid[], ${column((s) => s.status)}::text[], ${column((s) => s.cpuUsage ?? null)}::real[],
          ${column((s) => s.gpuUsage ?? null)}::real[], ${column((s) => s.memoryUsed?.toString() ?? null)}::bigint[],
          ${column((s) => s.jobsActive)}::int[], ${column((s) => s.samplesPerSecond ?? null)}::real[],
          ${column((s) => (s.cachedDatasets ? JSON.stringify(s.cachedDatasets) : null))}::jsonb[],
          ${column((s) => s.capabilities?.computeScore ?? null)}::float8[], ${column((s) => s.capabilities?.backend ?? null)}::text[],
          ${column((s) => (s.capabilities ? JSON.stringify(s.capabilities.devices) : null))}::jsonb[], ${column((s) => s.ramTotal?.toString() ?? null)}::bigint[])
          AS b(id, status, cpu_usage, gpu_usage, memory_used, jobs_active, samples_per_second, cached_datasets, compute_score, backend, devices, ram_total)),
      n AS (
        UPDATE nodes SET last_seen = now(), status = beat.status, load = coalesce(beat.cpu_usage, 0),
          cached_datasets = CASE WHEN beat.cached_datasets IS NULL THEN nodes.cached_datasets
                                 ELSE ARRAY(SELECT jsonb_array_elements_text(beat.cached_datasets)) END,
          compute_score = coalesce(beat.compute_score, nodes.compute_score), backend = coalesce(beat.backend, nodes.backend),
          devices = coalesce(beat.devices, nodes.devices), ram_total = coalesce(beat.ram_total, nodes.ram_total)
        FROM beat WHERE nodes.id = beat.id RETURNING nodes.id)
      INSERT INTO metrics (node_id, cpu_usage, gpu_usage, memory_used, jobs_active, samples_per_second)
      SELECT beat.id, beat.cpu_usage, beat.gpu_usage, beat.memory_used, beat.jobs_active, beat.samples_per_second
      FROM beat WHERE beat.id IN (SELECT id FROM n)
      RETURNING node_id::text`;
    const known = new Set(rows.map((r) => r.node_id));
    return beats.map((b) => known.has(b.id.toLowerCase()));
  }

  /**
   * Moves the node's reputation by what happened (reputation.ts decides; a fall into the banned
   * tier is a strike and a ban). A rise cannot ban, so it is one statement; a fall is read, decided
   * and written optimistically: a concurrent change makes it read and try again.
   */
  async recordReputation(id: string, event: ReputationEvent): Promise<Standing | undefined> {
    const delta = REPUTATION_DELTAS[event];
    if (delta >= 0) {
      const [row] = await this.prisma.$queryRaw<{ reputation: number; strikes: number; banned_until: Date | null }[]>`
        UPDATE nodes SET reputation = LEAST(${MAX_REPUTATION}, reputation + ${delta}) WHERE id = ${id}::uuid
        RETURNING reputation, strikes, banned_until`;
      return row && { reputation: row.reputation, strikes: row.strikes, bannedUntil: row.banned_until };
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const node = await this.get(id);
      if (!node) return undefined;
      const next = applyReputationEvent(node, event, new Date());
      const { count } = await this.prisma.node.updateMany({
        where: { id, reputation: node.reputation, strikes: node.strikes },
        data: next,
      });
      if (count > 0) return next;
    }
    return undefined;
  }

  /**
   * The node opened an assignment feed: a sign of life, and it can be sent requests now. The feed's
   * generation, for closing it (feedClosed).
   */
  async feedOpened(id: string): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ feed_generation: number }[]>`
      UPDATE nodes SET last_seen = now(), status = CASE WHEN status = 'OFFLINE' THEN 'IDLE' ELSE status END, feed_open = TRUE, feed_generation = feed_generation + 1
      WHERE id = ${id}::uuid RETURNING feed_generation`;
    return row?.feed_generation ?? 0;
  }

  /** The node's feed of that generation closed: unless it opened a newer one meanwhile (elsewhere), it cannot be reached now. */
  async feedClosed(id: string, generation: number): Promise<void> {
    await this.prisma.$executeRaw`UPDATE nodes SET feed_open = FALSE WHERE id = ${id}::uuid AND feed_generation = ${generation}`;
  }

  /**
   * Registers a node under its proven public key: a new key is a new node, a known key is the
   * same node again (same id, same reputation) with its information refreshed. `challengeIssuedMs`
   * must be newer than any challenge the key signed before, so a recorded registration cannot be
   * replayed; undefined when it is not.
   */
  async registerIdentity(node: NewNode & { publicKey: string }, challengeIssuedMs: number): Promise<NodeRow | undefined> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO nodes (name, runtime, user_agent, ip_address, cpu_cores, ram_total, compute_score, backend, devices,
                         wallet_address, public_key, region, status, last_challenge_ms)
      VALUES (${node.name}, ${node.runtime}, ${node.userAgent ?? null}, ${node.ipAddress ?? null}, ${node.cpuCores}, ${node.ramTotal},
              ${node.computeScore}, ${node.backend}, ${JSON.stringify(node.devices)}::jsonb, ${node.walletAddress ?? null},
              ${node.publicKey}, ${node.region ?? null}, 'IDLE', ${challengeIssuedMs})
      ON CONFLICT (public_key) DO UPDATE SET
        name = EXCLUDED.name, runtime = EXCLUDED.runtime, user_agent = EXCLUDED.user_agent, ip_address = EXCLUDED.ip_address,
        cpu_cores = EXCLUDED.cpu_cores, ram_total = EXCLUDED.ram_total, compute_score = EXCLUDED.compute_score,
        backend = EXCLUDED.backend, devices = EXCLUDED.devices, wallet_address = EXCLUDED.wallet_address, region = EXCLUDED.region,
        status = CASE WHEN nodes.status = 'OFFLINE' THEN 'IDLE' ELSE nodes.status END,
        last_seen = now(), session_started_at = now(), last_challenge_ms = EXCLUDED.last_challenge_ms
      WHERE nodes.last_challenge_ms IS NULL OR nodes.last_challenge_ms < EXCLUDED.last_challenge_ms
      RETURNING id::text AS id`;
    return rows[0] ? ((await this.get(rows[0].id)) ?? undefined) : undefined;
  }

  /**
   * Marks nodes silent for longer than the timeout as offline and takes their jobs back: to the
   * queue while attempts remain, else failed. One statement, so instances running this together
   * never move a job twice.
   */
  reapSilent(timeoutSeconds: number): Promise<LostJob[]> {
    return takeBackJobs(
      this.prisma,
      sql`UPDATE nodes SET status = 'OFFLINE'
          WHERE status <> 'OFFLINE' AND last_seen < now() - make_interval(secs => ${timeoutSeconds})
          RETURNING id`,
      [],
      "node stopped sending heartbeats",
    );
  }

  /**
   * A node registering again is a new run of it (a reopened tab, a restarted host): the jobs an
   * earlier run held, other than those this run says it still trains, are lost with that run.
   */
  releaseEarlierRun(nodeId: string, stillHeld: string[]): Promise<LostJob[]> {
    return takeBackJobs(this.prisma, sql`SELECT ${nodeId}::uuid AS id`, stillHeld, "node restarted and no longer holds the job");
  }

  /**
   * Jobs pushed to a node that never acknowledged them (its first progress report moves a job to
   * RUNNING) within the deadline go back to the queue: the stream may have broken just then.
   */
  requeueUnacknowledged(deadlineSeconds: number): Promise<LostJob[]> {
    const stale = sql`${statusIn(["ASSIGNED"], "j")} AND j.assigned_at < now() - make_interval(secs => ${deadlineSeconds})`;
    return takeBackJobs(this.prisma, sql`SELECT DISTINCT j.assigned_node AS id FROM jobs j WHERE ${stale}`, [], `not acknowledged within ${deadlineSeconds} s`, stale);
  }

  /**
   * Jobs running by the server's books on a node that no longer names them in its heartbeats (it
   * lost them: say its data download failed while the server was away, so its failure report could
   * not get through): taken back once an idle heartbeat came after the job's latest report. A job
   * assigned less than `graceSeconds` ago is left alone, since a heartbeat sent just before the
   * assignment may arrive after it.
   */
  releaseForgotten(graceSeconds: number): Promise<LostJob[]> {
    const forgotten = sql`${statusIn(["RUNNING"], "j")} AND j.assigned_at < now() - make_interval(secs => ${graceSeconds})
      AND EXISTS (SELECT 1 FROM nodes n WHERE n.id = j.assigned_node AND n.status = 'IDLE' AND n.last_seen > j.updated_at)`;
    return takeBackJobs(this.prisma, sql`SELECT DISTINCT j.assigned_node AS id FROM jobs j WHERE ${forgotten}`, [], "node no longer holds the job", forgotten);
  }
}
