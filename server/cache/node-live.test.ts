import { createClient } from "@connectrpc/connect";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeService } from "../../gen/cyxwiz/v1/node_service_pb";
import { inProcessTransport } from "../../tests/helpers/clients";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { EMBEDDED_ONLY, REDIS_URL } from "../../tests/helpers/databases";
import { registerNode } from "../../tests/helpers/fixtures";
import { restRoutes } from "../http/rest";
import { memoryHotState } from "./hot-state";
import { liveSamples } from "./node-live";

const variants = [{ name: "embedded (PGlite, no Redis)", kind: "pglite" as const, redis: false }, ...(EMBEDDED_ONLY ? [] : [{ name: "PostgreSQL + Redis", kind: "postgres" as const, redis: true }])];

describe.each(variants)("nodes' live samples: $name", ({ kind, redis }) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(kind, redis ? { redisUrl: REDIS_URL, redisPrefix: `test-${Date.now()}-live:` } : {});
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A registered node that sent one heartbeat (CPU at half, 2 GB in use). */
  async function beatingNode() {
    const node = await registerNode(t.ctx);
    const token = (await t.ctx.tokens.issueNodeToken(node.id)).token;
    const client = createClient(
      NodeService,
      inProcessTransport(t.ctx, () => token),
    );
    await client.heartbeat({ nodeId: node.id, metrics: { cpuUsage: 0.5, gpuUsage: 0.25, memoryUsed: 2_000_000_000n, samplesPerSecond: 700 } });
    return node;
  }

  it("GET /api/v1/nodes gives each online node its latest heartbeat sample", async () => {
    const node = await beatingNode();
    const router = restRoutes(t.ctx);
    const found = router.match("GET", "/api/v1/nodes");
    if (!found || found === "method_not_allowed") throw new Error("no route");
    const result = await found.handler({ method: "GET", path: "/api/v1/nodes", params: {}, query: new URLSearchParams(), headers: {}, body: Readable.from([]) });
    const listed = (result.body as { nodes: { id: string; live: unknown }[] }).nodes.find((n) => n.id === node.id);
    expect(listed?.live).toMatchObject({ cpuUsage: 0.5, gpuUsage: 0.25, memoryUsed: 2e9, samplesPerSecond: 700, jobsActive: 0 });
  });

  it("a node the hot state misses (lost, flushed) gets its sample from PostgreSQL's telemetry", async () => {
    const node = await beatingNode();
    const rows = [(await t.ctx.nodes.get(node.id))!];
    const live = await liveSamples({ ...t.ctx, hotState: memoryHotState(30) }, rows);
    expect(live.get(node.id)).toMatchObject({ cpuUsage: 0.5, gpuUsage: 0.25, memoryUsed: 2e9, samplesPerSecond: 700, jobsActive: 0 });
  });

  it("an offline node has no live sample", async () => {
    const node = await beatingNode();
    await t.ctx.db.prisma.node.update({ where: { id: node.id }, data: { status: "OFFLINE" } });
    expect((await liveSamples(t.ctx, [(await t.ctx.nodes.get(node.id))!])).has(node.id)).toBe(false);
  });
});
