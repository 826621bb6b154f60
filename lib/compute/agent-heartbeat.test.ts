import { createRouterTransport } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeService } from "../../gen/cyxwiz/v1/node_service_pb";
import { nodeService } from "../../server/rpc/node-service";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import type { ProbeResult } from "../train/backend-probe";
import { createLocalExecutor } from "../train/executor";
import { tf } from "../train/runtime-tf";
import { NodeAgent, type HostMetrics } from "./agent";
import { ephemeralIdentity } from "./identity";

const LOAD: HostMetrics = { cpuUsage: 0.42, memoryUsed: 3e9, gpuUsage: 0.5, gpuMemoryUsed: 1e9, gpuMemoryTotal: 8e9 };

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a node agent's heartbeats", () => {
  let t: TestContext;
  let agent: NodeAgent;
  const probes: ProbeResult[] = [];

  beforeAll(async () => {
    t = await createTestContext("pglite", { heartbeatSeconds: 1 });
    const executor = createLocalExecutor(tf, ["cpu"]);
    const identity = await ephemeralIdentity();
    agent = new NodeAgent({
      serverUrl: "http://in-process",
      transport: (interceptors) => createRouterTransport((router) => router.service(NodeService, nodeService(t.ctx)), { transport: { interceptors } }),
      executor: {
        ...executor,
        probe: async () => {
          const result = await executor.probe();
          probes.push(result);
          return result;
        },
      },
      identity: async () => identity,
      hostMetrics: async () => LOAD,
      reprobeEveryMs: 1,
      machine: { name: "heartbeat-test", runtime: "node", cpuCores: 2, ramTotal: 8e9 },
    });
    void agent.run();
  });
  afterAll(async () => {
    await agent.stop();
    await t.close();
  });

  it("carry the machine's load into the node's time series", async () => {
    await until(async () => agent.state.nodeId !== undefined && (await t.ctx.db.prisma.nodeMetric.count({ where: { nodeId: agent.state.nodeId } })) > 0);
    const sample = await t.ctx.db.prisma.nodeMetric.findFirst({ where: { nodeId: agent.state.nodeId } });
    expect(sample).toMatchObject({ cpuUsage: 0.42, gpuUsage: 0.5, memoryUsed: 3_000_000_000n });
  });

  it("report the backends measured again while idle, so the node's score is current", async () => {
    await until(() => probes.length >= 2);
    const latest = probes.at(-1) as ProbeResult;
    const gflops = latest.measurements.find((m) => m.selected)?.gflops;
    await until(async () => (await t.ctx.nodes.get(agent.state.nodeId as string))?.computeScore === gflops);
    expect(agent.state.log.map((e) => e.message)).toContain("measuring compute backends again");
  });
});
