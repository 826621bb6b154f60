import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { createUser, queueJob, registerNode } from "../../tests/helpers/fixtures";
import { releaseClaim } from "../jobs/sql/release-claim";
import { claimJobs } from "./claim";

/** Any valid address: the claim only asks whether a node has one (registration proves it). */
const WALLET = "11111111111111111111111111111112";

describe.each(DATABASE_KINDS)("claiming jobs on %s", (kind) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  /** The job one round hands this node, if any. */
  async function claimJob(nodeId: string): Promise<string | undefined> {
    return (await claimJobs(t.ctx.db.prisma, [nodeId], 1)).claims[0]?.jobId;
  }

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
    for (let i = 0; i < 3; i++) claims.push(await claimJob((await registerNode(t.ctx)).id));
    expect(claims).toEqual([many[0]?.id, one.id, many[1]?.id]);
  });

  it("still serves priority before fair share", async () => {
    await drainQueue();
    const [a, b] = [await createUser(t.ctx, "a"), await createUser(t.ctx, "b")];
    const running = await queueJob(t.ctx, { userId: a.id });
    await claimJob((await registerNode(t.ctx)).id);
    expect((await t.ctx.jobs.get(running.id))?.status).toBe("ASSIGNED");
    await queueJob(t.ctx, { userId: b.id, priority: 1 });
    const urgent = await queueJob(t.ctx, { userId: a.id, priority: 4 });
    expect(await claimJob((await registerNode(t.ctx)).id)).toBe(urgent.id);
  });

  it("hands out the oldest job of the highest priority and marks it assigned", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx);
    const old = await queueJob(t.ctx, { name: "old normal" });
    await queueJob(t.ctx, { name: "newer normal" });
    const urgent = await queueJob(t.ctx, { name: "urgent", priority: 4 });
    expect(await claimJob(node.id)).toBe(urgent.id);
    const other = await registerNode(t.ctx);
    expect(await claimJob(other.id)).toBe(old.id);
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
    expect(await claimJob(node.id)).toBeDefined();
    expect(await claimJob(node.id)).toBeUndefined();
  });

  it("skips jobs that need more memory than the node has", async () => {
    await drainQueue();
    const small = await registerNode(t.ctx, { ramTotal: 1_000_000n });
    await queueJob(t.ctx, { estimatedMemory: 2_000_000n });
    expect(await claimJob(small.id)).toBeUndefined();
  });

  it("serves the jobs behind ones the node may not take", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx, { ramTotal: 4_000_000n });
    const failed = await queueJob(t.ctx, { name: "failed here" });
    expect(await claimJob(node.id)).toBe(failed.id);
    await t.ctx.jobs.fail(failed.id, { nodeId: node.id, attempt: 1 }, "out of memory", true);
    for (let i = 0; i < 20; i++) await queueJob(t.ctx, { estimatedMemory: 8_000_000n });
    const fits = await queueJob(t.ctx, { name: "fits", estimatedMemory: 1_000_000n });
    expect(await claimJob(node.id)).toBe(fits.id);
  });

  it("never gives a node a job it has already failed", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx);
    const job = await queueJob(t.ctx);
    expect(await claimJob(node.id)).toBe(job.id);
    await t.ctx.jobs.fail(job.id, { nodeId: node.id, attempt: 1 }, "out of memory", true);
    expect(await claimJob(node.id)).toBeUndefined();
    const other = await registerNode(t.ctx);
    expect(await claimJob(other.id)).toBe(job.id);
    expect((await t.ctx.jobs.get(job.id))?.attempts).toBe(2);
  });

  it("gives a node on probation unpaid jobs only, even with a wallet", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx, { walletAddress: WALLET });
    await t.ctx.db.prisma.node.update({ where: { id: node.id }, data: { reputation: 30 } });
    const paid = await queueJob(t.ctx, { name: "paid" });
    await t.ctx.db.prisma.job.update({ where: { id: paid.id }, data: { priceLamports: 1_500_000_000n } });
    const unpaid = await queueJob(t.ctx, { name: "unpaid" });
    expect(await claimJob(node.id)).toBe(unpaid.id);
    expect((await t.ctx.jobs.get(paid.id))?.status).toBe("QUEUED");
  });

  it("gives a node without a wallet free jobs only, and a paid one to a node with a wallet", async () => {
    await drainQueue();
    const walletless = await registerNode(t.ctx);
    const paid = await queueJob(t.ctx, { name: "paid" });
    await t.ctx.db.prisma.job.update({ where: { id: paid.id }, data: { priceLamports: 1_500_000_000n } });
    const free = await queueJob(t.ctx, { name: "free" });
    expect(await claimJob(walletless.id)).toBe(free.id);
    expect((await t.ctx.jobs.get(paid.id))?.status).toBe("QUEUED");
    const withWallet = await registerNode(t.ctx, { walletAddress: WALLET });
    expect(await claimJob(withWallet.id)).toBe(paid.id);
  });

  it("gives nothing to a banned node", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx);
    await t.ctx.db.prisma.node.update({ where: { id: node.id }, data: { bannedUntil: new Date(Date.now() + 3600_000) } });
    await queueJob(t.ctx);
    expect(await claimJob(node.id)).toBeUndefined();
  });

  it("gives nothing to a node declared offline", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx);
    await t.ctx.db.prisma.node.update({ where: { id: node.id }, data: { status: "OFFLINE" } });
    await queueJob(t.ctx);
    expect(await claimJob(node.id)).toBeUndefined();
    await t.ctx.nodes.feedOpened(node.id);
    expect(await claimJob(node.id)).toBeDefined();
  });

  it("releases an undelivered claim without counting the attempt", async () => {
    await drainQueue();
    const node = await registerNode(t.ctx);
    const job = await queueJob(t.ctx);
    await claimJob(node.id);
    expect(await releaseClaim(t.ctx.db.prisma, job.id, node.id)).toBe(true);
    expect(await t.ctx.jobs.get(job.id)).toMatchObject({ status: "QUEUED", assignedNodeId: null, attempts: 0 });
    expect(await t.ctx.db.prisma.jobAttempt.count({ where: { jobId: job.id } })).toBe(0);
    const logs = await t.ctx.db.prisma.jobLog.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    expect(logs.map((l) => l.message).slice(-2)).toEqual([`assigned to node ${node.id} (attempt 1)`, `not delivered: node ${node.id} went away as it was assigned; back in the queue`]);
  });
});
