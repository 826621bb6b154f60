import { Code, createClient } from "@connectrpc/connect";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobService } from "../../gen/cyxwiz/v1/job_service_pb";
import { NodeService } from "../../gen/cyxwiz/v1/node_service_pb";
import { inProcessTransport } from "../../tests/helpers/clients";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { EMBEDDED_ONLY, REDIS_URL } from "../../tests/helpers/databases";
import { holderOf, queueJob, registerNode } from "../../tests/helpers/fixtures";
import { codeOf } from "../../tests/helpers/rpc-errors";
import { buildContext } from "../app";
import type { ServerContext } from "../context";
import type { JobRow, ProgressUpdate } from "../jobs/job-row";
import type { LiveProgress } from "./hot-state";
import { mustPersist, withLiveProgress } from "./job-progress";

const HOLDER = { nodeId: "5d7c2b8e-0000-4000-8000-000000000001", attempt: 2 };
const NOW = 1_000_000;
const EVERY = 10_000;
const CACHED: LiveProgress = {
  ...HOLDER,
  progress: 0.3,
  currentEpoch: 1,
  latestMetrics: { loss: 1 },
  backend: "wasm",
  samplesPerSecond: 900,
  etaSeconds: 20,
  memoryBytes: 1e6,
  reportedAt: NOW - 1000,
  persistedAt: NOW - 2000,
};
const report = (over: Partial<ProgressUpdate> = {}): ProgressUpdate => ({ progress: 0.35, currentEpoch: 1, step: 0.7, metrics: { loss: 0.9 }, ...over });

describe("which progress reports update the job's row", () => {
  it("a report within the epoch its holder last reported stays in the hot state", () => {
    expect(mustPersist(report(), HOLDER, CACHED, NOW, EVERY)).toBe(false);
  });

  it("a report the hot state has nothing for is written (the first, or after a flush)", () => {
    expect(mustPersist(report(), HOLDER, undefined, NOW, EVERY)).toBe(true);
  });

  it("a report by another holder than the cached one is written", () => {
    expect(mustPersist(report(), { ...HOLDER, attempt: 3 }, CACHED, NOW, EVERY)).toBe(true);
    expect(mustPersist(report(), { ...HOLDER, nodeId: "5d7c2b8e-0000-4000-8000-000000000002" }, CACHED, NOW, EVERY)).toBe(true);
  });

  it("a new epoch, a log line, a new backend or the end is written", () => {
    expect(mustPersist(report({ currentEpoch: 2 }), HOLDER, CACHED, NOW, EVERY)).toBe(true);
    expect(mustPersist(report({ logMessage: "epoch 1: loss 0.9" }), HOLDER, CACHED, NOW, EVERY)).toBe(true);
    expect(mustPersist(report({ backend: "webgpu" }), HOLDER, CACHED, NOW, EVERY)).toBe(true);
    expect(mustPersist(report({ progress: 1 }), HOLDER, CACHED, NOW, EVERY)).toBe(true);
    expect(mustPersist(report({ progress: Number.NaN }), HOLDER, CACHED, NOW, EVERY)).toBe(true);
  });

  it("a report is written once the row is a persist period behind", () => {
    expect(mustPersist(report(), HOLDER, CACHED, CACHED.persistedAt + EVERY, EVERY)).toBe(true);
  });
});

describe("a job row with its holder's live progress", () => {
  const row = {
    id: "job",
    status: "RUNNING",
    assignedNodeId: HOLDER.nodeId,
    attempts: HOLDER.attempt,
    progress: 0.2,
    currentEpoch: 1,
    latestMetrics: {},
    backend: "wasm",
    samplesPerSecond: 0,
    etaSeconds: 0,
    memoryBytes: 0n,
    updatedAt: new Date(NOW - 5000),
  } as unknown as JobRow;

  it("takes the holder's fresher progress, pace and metrics", () => {
    expect(withLiveProgress(row, CACHED)).toMatchObject({
      progress: 0.3,
      latestMetrics: { loss: 1 },
      samplesPerSecond: 900,
      etaSeconds: 20,
      memoryBytes: 1_000_000n,
      updatedAt: new Date(CACHED.reportedAt),
    });
  });

  it("ignores an entry of a node that no longer holds the job", () => {
    expect(withLiveProgress({ ...row, attempts: 3 }, CACHED)).toEqual({ ...row, attempts: 3 });
    expect(withLiveProgress({ ...row, status: "QUEUED", assignedNodeId: null }, CACHED).progress).toBe(0.2);
  });

  it("ignores an entry behind the row", () => {
    expect(withLiveProgress({ ...row, progress: 0.5 }, CACHED).progress).toBe(0.5);
  });
});

const variants = [{ name: "embedded (PGlite, no Redis)", kind: "pglite" as const, redis: false }, ...(EMBEDDED_ONLY ? [] : [{ name: "PostgreSQL + Redis", kind: "postgres" as const, redis: true }])];

describe.each(variants)("progress through the services: $name", ({ kind, redis }) => {
  let t: TestContext;
  const prefix = `test-${randomBytes(4).toString("hex")}:`;

  beforeAll(async () => {
    t = await createTestContext(kind, redis ? { redisUrl: REDIS_URL, redisPrefix: prefix } : { redisPrefix: prefix });
  });
  afterAll(async () => {
    await t?.close();
  });

  const jobsOf = (ctx: ServerContext) => createClient(JobService, inProcessTransport(ctx));
  const nodesOf = (ctx: ServerContext, token: string) =>
    createClient(
      NodeService,
      inProcessTransport(ctx, () => token),
    );

  /** A job assigned to a new node, and that node's client and report fields for it. Public, so that any client here reads it. */
  async function assignedJob(ctx: ServerContext = t.ctx) {
    const job = await queueJob(ctx, { totalEpochs: 3, public: true });
    const node = await registerNode(ctx);
    await ctx.db.prisma.job.update({ where: { id: job.id }, data: { status: "ASSIGNED", assignedNodeId: node.id, attempts: 1, assignedAt: new Date() } });
    const session = await ctx.tokens.issueNodeToken(node.id);
    const jobToken = await ctx.tokens.issueJobToken({ jobId: job.id, nodeId: node.id, attempt: 1 });
    return { jobId: job.id, nodeId: node.id, client: nodesOf(ctx, session.token), fields: { nodeId: node.id, jobId: job.id, jobToken } };
  }

  it("a report within the epoch leaves the job's row alone, and GetJob reads it from the hot state", async () => {
    const { jobId, client, fields } = await assignedJob();
    await client.reportProgress({ ...fields, progress: 0.1, currentEpoch: 1, metrics: { loss: 2 }, logMessage: "training" });
    await client.reportProgress({ ...fields, progress: 0.2, currentEpoch: 1, step: 0.6, metrics: { loss: 1.5 }, samplesPerSecond: 800 });
    expect(await t.ctx.jobs.get(jobId)).toMatchObject({ progress: 0.1, latestMetrics: { loss: 2 } });
    const { job, history } = await jobsOf(t.ctx).getJob({ jobId });
    expect(job).toMatchObject({ progress: 0.2, latestMetrics: { loss: 1.5 }, samplesPerSecond: 800 });
    expect(history.map((p) => p.values.loss)).toEqual([2, 1.5]);
  });

  it("an epoch boundary reaches PostgreSQL", async () => {
    const { jobId, client, fields } = await assignedJob();
    await client.reportProgress({ ...fields, progress: 0.1, currentEpoch: 1, metrics: { loss: 2 } });
    await client.reportProgress({ ...fields, progress: 0.3, currentEpoch: 1, metrics: { loss: 1 } });
    await client.reportProgress({ ...fields, progress: 0.4, currentEpoch: 2, metrics: { loss: 0.9 } });
    expect(await t.ctx.jobs.get(jobId)).toMatchObject({ progress: 0.4, currentEpoch: 2, latestMetrics: { loss: 0.9 } });
  });

  it("ListJobs and WatchJob's first snapshot show the live progress", async () => {
    const { jobId, client, fields } = await assignedJob();
    await client.reportProgress({ ...fields, progress: 0.1, currentEpoch: 1, metrics: { loss: 2 } });
    await client.reportProgress({ ...fields, progress: 0.25, currentEpoch: 1, metrics: { loss: 1.2 } });
    const listed = (await jobsOf(t.ctx).listJobs({ pageSize: 200 })).jobs.find((j) => j.id === jobId);
    expect(listed?.progress).toBe(0.25);
    const stream = jobsOf(t.ctx).watchJob({ jobId })[Symbol.asyncIterator]();
    expect((await stream.next()).value).toMatchObject({ progress: 0.25, job: { progress: 0.25 } });
    await stream.return?.();
  });

  it("a refused report (the job went back to the queue) changes nothing and does not reach the hot state", async () => {
    const { jobId, client, fields } = await assignedJob();
    await client.reportProgress({ ...fields, progress: 0.1, currentEpoch: 1, metrics: { loss: 2 } });
    const cached = (await t.ctx.hotState.progressOf([jobId])).get(jobId);
    await t.ctx.db.prisma.job.update({ where: { id: jobId }, data: { status: "QUEUED", assignedNodeId: null, progress: 0 } });
    const points = await t.ctx.db.prisma.jobMetric.count({ where: { jobId } });
    expect(await codeOf(client.reportProgress({ ...fields, progress: 0.2, currentEpoch: 1, metrics: { loss: 1 } }))).toBe(Code.PermissionDenied);
    expect((await t.ctx.hotState.progressOf([jobId])).get(jobId)).toEqual(cached);
    expect(await t.ctx.db.prisma.jobMetric.count({ where: { jobId } })).toBe(points);
    expect((await jobsOf(t.ctx).getJob({ jobId })).job?.progress).toBe(0);
  });

  it("a cancelled job's report is told to stop, within the epoch too", async () => {
    const { jobId, client, fields } = await assignedJob();
    await client.reportProgress({ ...fields, progress: 0.1, currentEpoch: 1, metrics: { loss: 2 } });
    await t.ctx.jobs.cancel(jobId, holderOf(t.ctx, jobId), "cancelled by user");
    expect(await client.reportProgress({ ...fields, progress: 0.2, currentEpoch: 1, metrics: { loss: 1 } })).toMatchObject({ cancel: true });
  });

  // Declared only where it applies (not skipped elsewhere): each variant runs every test it has.
  if (!redis)
    it("without REDIS_URL nothing touches Redis", async () => {
      const { client, fields } = await assignedJob();
      await client.reportProgress({ ...fields, progress: 0.1, currentEpoch: 1, metrics: { loss: 2 } });
      await client.heartbeat({ nodeId: fields.nodeId, activeJobs: [fields.jobId], metrics: { cpuUsage: 0.5, gpuUsage: 0, memoryUsed: 1n, samplesPerSecond: 1 } });
      expect(t.ctx.hotState.kind).toBe("memory");
      if (EMBEDDED_ONLY) return;
      const probe = new Redis(REDIS_URL);
      expect(await probe.keys(`${prefix}*`)).toEqual([]);
      await probe.quit();
    });

  if (redis)
    describe("across instances", () => {
      let other: ServerContext;
      beforeAll(async () => {
        other = await buildContext(t.ctx.config, pino({ level: "silent" }));
      });
      afterAll(async () => {
        await other?.close();
      });

      it("progress reported through instance B is read from Redis by instance A", async () => {
        const { jobId, fields } = await assignedJob();
        const throughB = nodesOf(other, (await other.tokens.issueNodeToken(fields.nodeId)).token);
        await throughB.reportProgress({ ...fields, progress: 0.1, currentEpoch: 1, metrics: { loss: 2 } });
        await throughB.reportProgress({ ...fields, progress: 0.3, currentEpoch: 1, metrics: { loss: 1 } });
        expect((await t.ctx.jobs.get(jobId))?.progress).toBe(0.1);
        expect((await jobsOf(t.ctx).getJob({ jobId })).job?.progress).toBe(0.3);
      });

      it("a flushed Redis falls back to PostgreSQL, and the next report fills it again", async () => {
        const { jobId, client, fields } = await assignedJob();
        await client.reportProgress({ ...fields, progress: 0.1, currentEpoch: 1, metrics: { loss: 2 } });
        await client.reportProgress({ ...fields, progress: 0.3, currentEpoch: 1, metrics: { loss: 1 } });
        await flush(prefix);
        expect((await jobsOf(t.ctx).getJob({ jobId })).job?.progress).toBe(0.1);
        await client.reportProgress({ ...fields, progress: 0.35, currentEpoch: 1, metrics: { loss: 0.9 } });
        expect(await t.ctx.jobs.get(jobId)).toMatchObject({ progress: 0.35 });
        expect((await t.ctx.hotState.progressOf([jobId])).get(jobId)).toMatchObject({ progress: 0.35 });
      });
    });
});

/** Deletes every key under the prefix: what a Redis flush does to this deployment. */
async function flush(prefix: string) {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}
