import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { queueJob, registerNode } from "../../tests/helpers/fixtures";
import { queuedCount, rankForNextJob } from "./ranking";

describe.each(DATABASE_KINDS)("ranking nodes for the next job on %s", (kind) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it("counts the queued jobs that may be handed out, paused ones aside", async () => {
    await t.ctx.db.prisma.$executeRaw`UPDATE jobs SET status = 'CANCELLED' WHERE status = 'QUEUED'`;
    await queueJob(t.ctx);
    const paused = await queueJob(t.ctx);
    await t.ctx.jobs.setPaused(paused.id, true);
    expect(await queuedCount(t.ctx.db.prisma)).toBe(1);
  });

  it("offers the next job to the best nodes first, leaving out banned and too small ones", async () => {
    await t.ctx.db.prisma.$executeRaw`UPDATE jobs SET status = 'CANCELLED' WHERE status = 'QUEUED'`;
    const job = await queueJob(t.ctx);
    const slow = await registerNode(t.ctx, { computeScore: 5 });
    const fast = await registerNode(t.ctx, { computeScore: 500 });
    const local = await registerNode(t.ctx, { computeScore: 400 });
    await t.ctx.nodes.holdDatasets(local.id, [job.datasetSha256]);
    const banned = await registerNode(t.ctx, { computeScore: 900 });
    await t.ctx.db.prisma.node.update({ where: { id: banned.id }, data: { bannedUntil: new Date(Date.now() + 3600_000) } });
    const small = await registerNode(t.ctx, { computeScore: 900, ramTotal: 1000n });
    const ranked = await rankForNextJob(t.ctx.db.prisma, [slow.id, fast.id, local.id, banned.id, small.id], 5);
    expect(ranked).toEqual([local.id, fast.id, slow.id]);
    expect(await rankForNextJob(t.ctx.db.prisma, [slow.id, fast.id, local.id], 1)).toEqual([local.id]);
  });
});
