import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { holderOf, queueJob, registerNode } from "../../tests/helpers/fixtures";
import { claimJobs } from "../scheduler/claim";

describe.each(DATABASE_KINDS)("JobStore on %s", (kind) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  async function assigned() {
    await t.ctx.db.prisma.$executeRaw`UPDATE jobs SET status = 'CANCELLED' WHERE status = 'QUEUED'`;
    const node = await registerNode(t.ctx);
    const job = await queueJob(t.ctx);
    await claimJobs(t.ctx.db.prisma, [node.id], 1);
    return { node, job, holder: { nodeId: node.id, attempt: 1 } };
  }

  const progress = { progress: 0.5, currentEpoch: 1, step: 0.5, metrics: { loss: 0.7 } };

  it("moves a job to RUNNING on its first progress report and records the curve point", async () => {
    const { job, holder } = await assigned();
    const result = await t.ctx.jobs.recordProgress(job.id, holder, progress);
    expect(result).toMatchObject({ ok: true, started: true, job: { status: "RUNNING", progress: 0.5, currentEpoch: 1 } });
    const again = await t.ctx.jobs.recordProgress(job.id, holder, { ...progress, progress: 0.6 });
    expect(again).toMatchObject({ ok: true, started: false });
    expect((await t.ctx.jobs.history(job.id)).points.map((p) => p.values)).toEqual([{ loss: 0.7 }, { loss: 0.7 }]);
  });

  it("refuses progress from a node the job is not assigned to, and changes nothing", async () => {
    const { job } = await assigned();
    const stranger = await registerNode(t.ctx);
    expect(await t.ctx.jobs.recordProgress(job.id, { nodeId: stranger.id, attempt: 1 }, progress)).toEqual({ ok: false, refusal: "not_assigned" });
    expect(await t.ctx.jobs.get(job.id)).toMatchObject({ status: "ASSIGNED", progress: 0 });
    expect((await t.ctx.jobs.history(job.id)).points).toHaveLength(0);
  });

  it("tells the node of a cancelled job to stop", async () => {
    const { node, job, holder } = await assigned();
    expect(await t.ctx.jobs.cancel(job.id, holderOf(t.ctx, job.id), "no longer needed")).toMatchObject({ nodeId: node.id, job: { status: "CANCELLED" } });
    expect(await t.ctx.jobs.recordProgress(job.id, holder, progress)).toEqual({ ok: false, refusal: "cancelled" });
    expect(await t.ctx.jobs.cancel(job.id, holderOf(t.ctx, job.id), "again")).toBeNull();
  });

  it("completes a job once, recording the attempt's outcome and the log line", async () => {
    const { job, holder } = await assigned();
    const completion = { modelWeightsUri: "/artifacts/x", modelWeightsSha256: "x", finalMetrics: { accuracy: 0.9 } };
    const done = await t.ctx.jobs.complete(job.id, holder, completion, "completed on wasm in 1.0 s");
    expect(done).toMatchObject({ ok: true, job: { id: job.id, status: "COMPLETED", progress: 1, currentEpoch: job.totalEpochs } });
    expect(await t.ctx.jobs.complete(job.id, holder, completion, "again")).toEqual({ ok: false, refusal: "finished" });
    expect(await t.ctx.db.prisma.jobAttempt.findMany({ where: { jobId: job.id } })).toMatchObject([{ outcome: "COMPLETED" }]);
    const logs = await t.ctx.db.prisma.jobLog.findMany({ where: { jobId: job.id, message: { startsWith: "completed" } } });
    expect(logs).toEqual([done.ok ? done.log : undefined]);
  });

  it("puts a retryable failure back in the queue until the attempts are spent", async () => {
    const { job, holder } = await assigned();
    await t.ctx.db.prisma.job.update({ where: { id: job.id }, data: { maxAttempts: 2 } });
    expect(await t.ctx.jobs.fail(job.id, holder, "tab closed", true)).toMatchObject({ job: { status: "QUEUED", assignedNodeId: null } });
    const second = await registerNode(t.ctx);
    await claimJobs(t.ctx.db.prisma, [second.id], 1);
    const final = await t.ctx.jobs.fail(job.id, { nodeId: second.id, attempt: 2 }, "out of memory", true);
    expect(final).toMatchObject({ ok: true, job: { status: "FAILED", error: "attempt 2 of 2 failed: out of memory" } });
    const attempts = await t.ctx.db.prisma.jobAttempt.findMany({ where: { jobId: job.id }, orderBy: { attempt: "asc" } });
    expect(attempts.map((a) => [a.outcome, a.error])).toEqual([
      ["FAILED", "tab closed"],
      ["FAILED", "out of memory"],
    ]);
  });

  it("fails a job at once when the failure is not retryable", async () => {
    const { job, holder } = await assigned();
    expect(await t.ctx.jobs.fail(job.id, holder, "graph does not compile", false)).toMatchObject({ job: { status: "FAILED" } });
  });

  it("keeps the latest checkpoint of a job the node holds, ignoring a late older one", async () => {
    const { job, holder } = await assigned();
    expect(await t.ctx.jobs.saveCheckpoint(job.id, holder, 2, "b".repeat(64))).toMatchObject({ ok: true, job: { checkpointEpoch: 2 } });
    expect(await t.ctx.jobs.saveCheckpoint(job.id, holder, 1, "a".repeat(64))).toEqual({ ok: false, refusal: "stale" });
    expect(await t.ctx.jobs.get(job.id)).toMatchObject({ checkpointEpoch: 2, checkpointSha256: "b".repeat(64) });
  });

  it("refuses a checkpoint from a node that does not hold the job", async () => {
    const { job } = await assigned();
    const other = await registerNode(t.ctx);
    expect(await t.ctx.jobs.saveCheckpoint(job.id, { nodeId: other.id, attempt: 1 }, 1, "c".repeat(64))).toEqual({ ok: false, refusal: "not_assigned" });
    expect((await t.ctx.jobs.get(job.id))?.checkpointEpoch).toBeNull();
  });

  it("puts back in the queue a job its node never acknowledged, and leaves acknowledged ones", async () => {
    const { node, job } = await assigned();
    await t.ctx.db.prisma.job.update({ where: { id: job.id }, data: { assignedAt: new Date(Date.now() - 60_000) } });
    expect(await t.ctx.nodes.requeueUnacknowledged(30)).toEqual([{ id: job.id, status: "QUEUED", nodeId: node.id }]);
    expect(await t.ctx.db.prisma.jobAttempt.findMany({ where: { jobId: job.id } })).toMatchObject([{ outcome: "LOST", error: "not acknowledged within 30 s" }]);
    const running = await assigned();
    await t.ctx.jobs.recordProgress(running.job.id, running.holder, progress);
    await t.ctx.db.prisma.job.update({ where: { id: running.job.id }, data: { assignedAt: new Date(Date.now() - 60_000) } });
    expect(await t.ctx.nodes.requeueUnacknowledged(30)).toEqual([]);
  });

  it("takes jobs back from nodes that went silent", async () => {
    const { node, job } = await assigned();
    await t.ctx.db.prisma.node.update({ where: { id: node.id }, data: { lastSeen: new Date(Date.now() - 60_000) } });
    const lost = await t.ctx.nodes.reapSilent(30);
    expect(lost).toContainEqual({ id: job.id, status: "QUEUED", nodeId: node.id });
    expect((await t.ctx.nodes.get(node.id))?.status).toBe("OFFLINE");
    expect(await t.ctx.db.prisma.jobAttempt.findMany({ where: { jobId: job.id } })).toMatchObject([{ outcome: "LOST" }]);
    expect(await t.ctx.nodes.reapSilent(30)).toEqual([]);
  });
});
