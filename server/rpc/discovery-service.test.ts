import { Code, createClient, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeDiscoveryService, NodeSort } from "../../gen/cyxwiz/v1/discovery_service_pb";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { registerNode } from "../../tests/helpers/fixtures";
import { codeOf } from "../../tests/helpers/rpc-errors";
import { inProcessTransport } from "../../tests/helpers/clients";

describe.each(DATABASE_KINDS)("NodeDiscoveryService on %s", (kind) => {
  let t: TestContext;
  let client: Client<typeof NodeDiscoveryService>;
  beforeAll(async () => {
    t = await createTestContext(kind);
    client = createClient(NodeDiscoveryService, inProcessTransport(t.ctx));
  });
  afterAll(async () => {
    await t.close();
  });

  it("finds the nodes that pass every filter, fastest first, with their tier", async () => {
    const fast = await registerNode(t.ctx, { name: "fast gpu", backend: "webgpu", computeScore: 900 });
    await registerNode(t.ctx, { name: "slow", computeScore: 5 });
    await t.ctx.db.prisma.node.update({ where: { id: fast.id }, data: { reputation: 85 } });
    const { nodes } = await client.findNodes({ minComputeScore: 10, onlineOnly: true, sortBy: NodeSort.PERFORMANCE });
    expect(nodes.map((n) => n.name)).toEqual(["fast gpu"]);
    expect(nodes[0]).toMatchObject({ tier: "premium", online: true, backend: "webgpu" });
  });

  it("gets one node, and answers NOT_FOUND for an unknown one", async () => {
    const node = await registerNode(t.ctx, { name: "lookup" });
    expect((await client.getNode({ nodeId: node.id })).node?.name).toBe("lookup");
    expect(await codeOf(client.getNode({ nodeId: "00000000-0000-4000-8000-000000000000" }))).toBe(Code.NotFound);
    expect(await codeOf(client.getNode({ nodeId: "nope" }))).toBe(Code.InvalidArgument);
  });

  it("downsamples a node's telemetry into averaged buckets", async () => {
    const node = await registerNode(t.ctx, { name: "busy" });
    const start = Date.parse("2026-11-27T10:00:00Z");
    await t.ctx.db.prisma.nodeMetric.createMany({
      data: [0, 10, 20, 70, 80].map((s, i) => ({ nodeId: node.id, timestamp: new Date(start + s * 1000), cpuUsage: i < 3 ? 0.2 * (i + 1) : 1, jobsActive: 1 })),
    });
    const { samples, bucketSeconds } = await client.getNodeMetrics({ nodeId: node.id, sinceMs: BigInt(start), untilMs: BigInt(start + 120_000), bucketSeconds: 60 });
    expect(bucketSeconds).toBe(60);
    expect(samples.map((s) => [Number(s.timeMs) - start, Number(s.cpuUsage.toFixed(3))])).toEqual([
      [0, 0.4],
      [60_000, 1],
    ]);
  });

  it("refuses a span that would give too many points, naming the field", async () => {
    const node = await registerNode(t.ctx);
    expect(await codeOf(client.getNodeMetrics({ nodeId: node.id, sinceMs: 0n, untilMs: BigInt(Date.now()), bucketSeconds: 1 }))).toBe(Code.InvalidArgument);
  });
});
