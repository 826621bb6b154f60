import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { registerNode } from "../../tests/helpers/fixtures";

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
});
