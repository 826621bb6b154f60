import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { queueJob, registerNode } from "../../tests/helpers/fixtures";
import { applyReputationEvent } from "./reputation";

describe.each(DATABASE_KINDS)("NodeStore heartbeats on %s", (kind) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it("records heartbeats arriving together, each with its own node's sample, and tells an unknown node apart", async () => {
    const [a, b] = [await registerNode(t.ctx), await registerNode(t.ctx)];
    const known = await Promise.all([
      t.ctx.nodes.heartbeat(a.id, { status: "BUSY", cpuUsage: 0.25, jobsActive: 1, memoryUsed: 3_000_000_000n, samplesPerSecond: 1200 }),
      t.ctx.nodes.heartbeat(b.id, { status: "IDLE", cpuUsage: 0.75, jobsActive: 0 }),
      t.ctx.nodes.heartbeat(randomUUID(), { status: "IDLE", jobsActive: 0 }),
      t.ctx.nodes.heartbeat(a.id, { status: "BUSY", cpuUsage: 0.5, jobsActive: 1 }),
    ]);
    expect(known).toEqual([true, true, false, true]);
    expect(await t.ctx.nodes.get(b.id)).toMatchObject({ status: "IDLE", load: 0.75 });
    const samples = await t.ctx.db.prisma.nodeMetric.findMany({ where: { nodeId: { in: [a.id, b.id] } }, orderBy: { cpuUsage: "asc" } });
    expect(samples.map((s) => [s.nodeId, s.cpuUsage, s.jobsActive])).toEqual([
      [a.id, 0.25, 1],
      [a.id, 0.5, 1],
      [b.id, 0.75, 0],
    ]);
    expect(samples[0]).toMatchObject({ memoryUsed: 3_000_000_000n, samplesPerSecond: 1200 });
  });

  it("moves reputation as reputation.ts decides, rises capped at the maximum", async () => {
    const node = await registerNode(t.ctx);
    for (const [from, event] of [
      [50, "job_completed"],
      [99, "job_completed"],
      [27, "heartbeat_timeout"],
      [60, "job_failed"],
    ] as const) {
      const before = { reputation: from, strikes: 0, bannedUntil: null };
      await t.ctx.db.prisma.node.update({ where: { id: node.id }, data: before });
      const after = await t.ctx.nodes.recordReputation(node.id, event);
      const expected = applyReputationEvent(before, event, new Date());
      expect(after).toMatchObject({ reputation: expected.reputation, strikes: expected.strikes });
      expect(await t.ctx.nodes.get(node.id)).toMatchObject({ reputation: expected.reputation, strikes: expected.strikes });
    }
  });

  /** A job RUNNING on `nodeId` by the books, assigned `assignedSecondsAgo` and last reported on `reportedSecondsAgo`. */
  async function runningOn(nodeId: string, assignedSecondsAgo: number, reportedSecondsAgo: number) {
    const job = await queueJob(t.ctx);
    await t.ctx.db.prisma.$executeRaw`
      UPDATE jobs SET status = 'RUNNING', assigned_node = ${nodeId}::uuid, attempts = 1,
        assigned_at = now() - make_interval(secs => ${assignedSecondsAgo}), updated_at = now() - make_interval(secs => ${reportedSecondsAgo})
      WHERE id = ${job.id}::uuid`;
    return job.id;
  }

  it("takes back a running job once its node heartbeats idle after the job's latest report", async () => {
    const node = await registerNode(t.ctx);
    const jobId = await runningOn(node.id, 60, 30);
    await t.ctx.nodes.heartbeat(node.id, { status: "IDLE", jobsActive: 0 });
    expect(await t.ctx.nodes.releaseForgotten(20)).toEqual([{ id: jobId, status: "QUEUED", nodeId: node.id }]);
    expect(await t.ctx.jobs.get(jobId)).toMatchObject({ status: "QUEUED", assignedNodeId: null });
  });

  it("leaves a running job whose node still names it, or that was assigned too recently to tell", async () => {
    const [busy, idle] = [await registerNode(t.ctx), await registerNode(t.ctx)];
    const named = await runningOn(busy.id, 60, 30);
    const fresh = await runningOn(idle.id, 5, 5);
    await t.ctx.nodes.heartbeat(busy.id, { status: "BUSY", jobsActive: 1 });
    await t.ctx.nodes.heartbeat(idle.id, { status: "IDLE", jobsActive: 0 });
    expect(await t.ctx.nodes.releaseForgotten(20)).toEqual([]);
    expect((await t.ctx.jobs.get(named))?.status).toBe("RUNNING");
    expect((await t.ctx.jobs.get(fresh))?.status).toBe("RUNNING");
  });
});
