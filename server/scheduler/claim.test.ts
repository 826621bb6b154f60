import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { createUser, queueJob, registerNode } from "../../tests/helpers/fixtures";
import { claimJob, releaseClaim } from "./claim";

describe.each(DATABASE_KINDS)("claimJob on %s", (kind) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  async function drainQueue() {
    await t.ctx.db.prisma.$executeRaw`UPDATE jobs SET status = 'CANCELLED' WHERE status = 'QUEUED'`;
  }

  it("shares nodes fairly between owners: one owner's many queued jobs do not starve another's one", async () => {
    await drainQueue();
    const [busy, patient] = [await createUser(t.ctx, "busy"), await createUser(t.ctx, "patient")];
    const many = [];
    for (let i = 0; i < 5; i++) many.push(await queueJob(t.ctx, { name: `busy ${i}`, userId: busy.id }));
    const one = await queueJob(t.ctx, { name: "patient's only job", userId: patient.id });
    const claims = [];
    for (let i = 0; i < 3; i++) claims.push(await claimJob(t.ctx.db.prisma, (await registerNode(t.ctx)).id));
    expect(claims).toEqual([many[0]?.id, one.id, many[1]?.id]);
  });

  it("still serves priority before fair share", async () => {
    await drainQueue();
    const [a, b] = [await createUser(t.ctx, "a"), await createUser(t.ctx, "b")];
    const running = await queueJob(t.ctx, { userId: a.id });
    await claimJob(t.ctx.db.prisma, (await registerNode(t.ctx)).id);
    expect((await t.ctx.jobs.get(running.id))?.status).toBe("ASSIGNED");
    await queueJob(t.ctx, { userId: b.id, priority: 1 });
    const urgent = await queueJob(t.ctx, { userId: a.id, priority: 4 });
    expect(await claimJob(t.ctx.db.prisma, (await registerNode(t.ctx)).id)).toBe(urgent.id);
  });

  it("hands out the oldest job of the highest priority and marks it assigned", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx);
    const old = await queueJob(t.ctx, { name: "old normal" });
    await queueJob(t.ctx, { name: "newer normal" });
    const urgent = await queueJob(t.ctx, { name: "urgent", priority: 4 });
    expect(await claimJob(t.ctx.db.prisma, node.id)).toBe(urgent.id);
    const other = await registerNode(t.ctx);
    expect(await claimJob(t.ctx.db.prisma, other.id)).toBe(old.id);
    const claimed = await t.ctx.jobs.get(old.id);
    expect(claimed).toMatchObject({ status: "ASSIGNED", assignedNodeId: other.id, attempts: 1 });
    const attempts = await t.ctx.db.prisma.jobAttempt.findMany({ where: { jobId: old.id } });
    expect(attempts).toMatchObject([{ nodeId: other.id, attempt: 1, outcome: "RUNNING" }]);
  });

  it("gives a node nothing while it holds a job", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx);
    await queueJob(t.ctx);
    await queueJob(t.ctx);
    expect(await claimJob(t.ctx.db.prisma, node.id)).toBeDefined();
    expect(await claimJob(t.ctx.db.prisma, node.id)).toBeUndefined();
  });

  it("skips jobs that need more memory than the node has", async () => {
    await drainQueue();
    const small = await registerNode(t.ctx, { ramTotal: 1_000_000n });
    await queueJob(t.ctx, { estimatedMemory: 2_000_000n });
    expect(await claimJob(t.ctx.db.prisma, small.id)).toBeUndefined();
  });

  it("never gives a node a job it has already failed", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx);
    const job = await queueJob(t.ctx);
    expect(await claimJob(t.ctx.db.prisma, node.id)).toBe(job.id);
    await t.ctx.jobs.fail(job.id, { nodeId: node.id, attempt: 1 }, "out of memory", true);
    expect(await claimJob(t.ctx.db.prisma, node.id)).toBeUndefined();
    const other = await registerNode(t.ctx);
    expect(await claimJob(t.ctx.db.prisma, other.id)).toBe(job.id);
    expect((await t.ctx.jobs.get(job.id))?.attempts).toBe(2);
  });

  it("gives nothing to a banned node", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx);
    await t.ctx.db.prisma.node.update({ where: { id: node.id }, data: { bannedUntil: new Date(Date.now() + 3600_000) } });
    await queueJob(t.ctx);
    expect(await claimJob(t.ctx.db.prisma, node.id)).toBeUndefined();
  });

  it("gives nothing to a node declared offline", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx);
    await t.ctx.db.prisma.node.update({ where: { id: node.id }, data: { status: "OFFLINE" } });
    await queueJob(t.ctx);
    expect(await claimJob(t.ctx.db.prisma, node.id)).toBeUndefined();
    await t.ctx.nodes.touch(node.id);
    expect(await claimJob(t.ctx.db.prisma, node.id)).toBeDefined();
  });

  it("gives concurrent claimants different jobs", async () => {
    await drainQueue();
    const jobs = await Promise.all(Array.from({ length: 12 }, () => queueJob(t.ctx)));
    const nodes = await Promise.all(Array.from({ length: 12 }, () => registerNode(t.ctx)));
    const claimed = await Promise.all(nodes.map((n) => claimJob(t.ctx.db.prisma, n.id)));
    expect(new Set(claimed).size).toBe(12);
    expect(claimed.sort()).toEqual(jobs.map((j) => j.id).sort());
  });

  it("releases an undelivered claim without counting the attempt", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx);
    const job = await queueJob(t.ctx);
    await claimJob(t.ctx.db.prisma, node.id);
    expect(await releaseClaim(t.ctx.db.prisma, job.id, node.id)).toBe(true);
    expect(await t.ctx.jobs.get(job.id)).toMatchObject({ status: "QUEUED", assignedNodeId: null, attempts: 0 });
    expect(await t.ctx.db.prisma.jobAttempt.count({ where: { jobId: job.id } })).toBe(0);
  });
});
