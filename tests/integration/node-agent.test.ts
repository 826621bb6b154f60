import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { JobService } from "../../gen/cyxwiz/v1/job_service_pb";
import type { ServerContext } from "../../server/context";
import { startTestServer } from "../helpers/context";
import { withJobToken } from "../helpers/clients";
import { jobTokenOf, queueJob } from "../helpers/fixtures";
import { startAgent } from "../helpers/agent";
import { waitFor } from "../helpers/wait";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import type { ProbeResult } from "../../lib/train/backend-probe";
import { createLocalExecutor, type TrainingExecutor } from "../../lib/compute/executor";
import { tf } from "../../lib/train/runtime-tf";
import type { AgentOptions, NodeAgent } from "../../lib/compute/agent";
import type { HostMetrics } from "../../lib/compute/heartbeat";

const LOAD: HostMetrics = { cpuUsage: 0.42, memoryUsed: 3e9, gpuUsage: 0.5, gpuMemoryUsed: 1e9, gpuMemoryTotal: 8e9 };
const GiB = 1024 ** 3;

describe("a node agent against the server", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let ctx: ServerContext;
  let agent: NodeAgent | undefined;
  const start = (options: Partial<AgentOptions> = {}) => startAgent(server.rpcUrl, options);

  beforeAll(async () => {
    server = await startTestServer({ heartbeatSeconds: 1, dispatchIntervalMs: 200 });
    ctx = server.context;
  });
  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    // Until the server has seen the stream close, it could still hand the next test's job to the old node.
    await waitFor(() => ctx.dispatcher.attachedCount === 0, 10_000);
    await ctx.db.prisma.$executeRaw`UPDATE jobs SET status = 'CANCELLED', completed_at = now() WHERE status IN ('QUEUED', 'ASSIGNED', 'RUNNING')`;
  });
  afterAll(async () => {
    await server.close();
  });

  it("carries the machine's load in its heartbeats into the node's time series", async () => {
    agent = await start({ hostMetrics: async () => LOAD });
    const nodeId = agent.state.nodeId as string;
    await waitFor(async () => (await ctx.db.prisma.nodeMetric.count({ where: { nodeId } })) > 0, 20_000);
    expect(await ctx.db.prisma.nodeMetric.findFirst({ where: { nodeId } })).toMatchObject({ cpuUsage: 0.42, gpuUsage: 0.5, memoryUsed: 3_000_000_000n });
  });

  it("reports backends measured again while idle, so the node's score is current", async () => {
    const probes: ProbeResult[] = [];
    const executor = createLocalExecutor(tf, ["cpu"]);
    const counting: TrainingExecutor = { ...executor, probe: async () => probes[probes.push(await executor.probe()) - 1] as ProbeResult };
    agent = await start({ executor: counting, reprobeEveryMs: 1 });
    await waitFor(() => probes.length >= 2, 30_000);
    const latest = (probes.at(-1) as ProbeResult).measurements.find((m) => m.selected)?.gflops;
    await waitFor(async () => (await ctx.nodes.get(agent?.state.nodeId as string))?.computeScore === latest, 30_000);
    expect(agent.state.log.map((e) => e.message)).toContain("measuring compute backends again");
  });

  it("takes no job while paused, and takes it on resume", async () => {
    agent = await start();
    agent.pause();
    const job = await queueJob(ctx);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await ctx.jobs.get(job.id))?.status).toBe("QUEUED");
    agent.resume();
    await waitFor(async () => (await ctx.jobs.get(job.id))?.status === "COMPLETED", 60_000);
  });

  it("holds a job where it is while paused, keeping it, and finishes it on resume", async () => {
    agent = await start();
    const job = await queueJob(ctx, { hyperparameters: { epochs: 3, batchSize: 64, learningRate: 0.001, optimizer: "adam", validationSplit: 0.1, seed: 1 }, totalEpochs: 3 });
    await waitFor(() => (agent?.state.job?.progress ?? 0) > 0.05, 60_000);
    agent.pause();
    await new Promise((r) => setTimeout(r, 300));
    const heldAt = agent.state.job?.progress;
    await new Promise((r) => setTimeout(r, 2500));
    expect(agent.state.job?.progress).toBe(heldAt);
    expect(await ctx.jobs.get(job.id)).toMatchObject({ status: "RUNNING", assignedNodeId: agent.state.nodeId });
    agent.resume();
    await waitFor(async () => (await ctx.jobs.get(job.id))?.status === "COMPLETED", 60_000);
  });

  it("holds a job its owner pauses on its node, and finishes it once resumed", async () => {
    agent = await start();
    const job = await queueJob(ctx, { hyperparameters: { epochs: 3, batchSize: 64, learningRate: 0.001, optimizer: "adam", validationSplit: 0.1, seed: 1 }, totalEpochs: 3 });
    const jobs = createClient(JobService, createConnectTransport({ baseUrl: server.rpcUrl, httpVersion: "1.1" }));
    await waitFor(() => (agent?.state.job?.progress ?? 0) > 0.05, 60_000);
    expect((await jobs.pauseJob({ jobId: job.id }, withJobToken(jobTokenOf(ctx, job.id)))).job?.paused).toBe(true);
    await waitFor(() => agent?.state.job?.heldByOwner === true, 10_000);
    const heldAt = agent.state.job?.progress;
    await new Promise((r) => setTimeout(r, 2000));
    expect(agent.state.job?.progress).toBe(heldAt);
    await jobs.resumeJob({ jobId: job.id }, withJobToken(jobTokenOf(ctx, job.id)));
    await waitFor(async () => (await ctx.jobs.get(job.id))?.status === "COMPLETED", 60_000);
  });

  it("does not hand out a paused queued job until it is resumed", async () => {
    const job = await queueJob(ctx);
    const jobs = createClient(JobService, createConnectTransport({ baseUrl: server.rpcUrl, httpVersion: "1.1" }));
    await jobs.pauseJob({ jobId: job.id }, withJobToken(jobTokenOf(ctx, job.id)));
    agent = await start();
    await new Promise((r) => setTimeout(r, 2500));
    expect((await ctx.jobs.get(job.id))?.status).toBe("QUEUED");
    await jobs.resumeJob({ jobId: job.id }, withJobToken(jobTokenOf(ctx, job.id)));
    await waitFor(async () => (await ctx.jobs.get(job.id))?.status === "COMPLETED", 60_000);
  });

  it("offers the scheduler only the memory the volunteer lends", async () => {
    agent = await start();
    agent.setLimits({ memoryBytes: 0.5 * GiB });
    await waitFor(async () => (await ctx.nodes.get(agent?.state.nodeId as string))?.ramTotal === BigInt(0.5 * GiB), 20_000);
    const big = await queueJob(ctx, { estimatedMemory: BigInt(GiB) });
    await new Promise((r) => setTimeout(r, 2500));
    expect((await ctx.jobs.get(big.id))?.status).toBe("QUEUED");
  });

  it("hands back a job that would not fit in the memory it lends, saying why", async () => {
    agent = await start({ machine: { name: "small", runtime: "node", cpuCores: 2, ramTotal: 0.3 * GiB } });
    // A 30,000-unit layer (~360 MB with gradients and Adam's slots). The server was told it fits
    // (a stale estimate); the node's own check before training says not.
    const wide = { ...mlpDigits.graph, nodes: mlpDigits.graph.nodes.map((n) => (n.id === "hidden1" ? { ...n, params: { ...n.params, units: 30_000 } } : n)) };
    const job = await queueJob(ctx, { estimatedMemory: 1n, modelConfig: wide });
    await waitFor(async () => (await ctx.db.prisma.jobAttempt.count({ where: { jobId: job.id, outcome: "FAILED" } })) > 0, 60_000);
    const [attempt] = await ctx.db.prisma.jobAttempt.findMany({ where: { jobId: job.id } });
    expect(attempt?.error).toMatch(/this node cannot take the job: the job needs about \d+ MB to train and this node offers 308 MB/);
    expect((await ctx.jobs.get(job.id))?.status).toBe("QUEUED");
  });
});
