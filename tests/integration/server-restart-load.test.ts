import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import type { NodeAgent } from "../../lib/compute/agent";
import { mlpMoons } from "../../lib/graph/templates/tabular";
import { createLocalExecutor, type TrainingExecutor } from "../../lib/compute/executor";
import { tf } from "../../lib/train/runtime-tf";
import { startAgent } from "../helpers/agent";
import { connectClients } from "../helpers/clients";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../helpers/databases";
import { startServerProcess, type ServerProcess } from "../helpers/server-process";
import { waitFor } from "../helpers/wait";

const JOBS = 12;
const AGENTS = 3;

/** Counts, per job, the trainings that ran to the end on this node (whatever the server then made of them). */
function countingExecutor(finished: Map<string, number>): TrainingExecutor {
  const executor = createLocalExecutor(tf, ["wasm", "cpu"]);
  return {
    ...executor,
    async train(job, onProgress, signal, pause) {
      const outcome = await executor.train(job, onProgress, signal, pause);
      const jobId = job.jobId ?? "(no job id)";
      finished.set(jobId, (finished.get(jobId) ?? 0) + 1);
      return outcome;
    },
  };
}

describe.each(DATABASE_KINDS)("a server killed under load and restarted, on %s", (kind) => {
  let database: TestDatabase;
  let dataDir: string;
  const servers: ServerProcess[] = [];
  const agents: NodeAgent[] = [];

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    for (const server of servers) await server.stop();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(`loses none of ${JOBS} jobs queued and running on ${AGENTS} nodes, and completes none twice`, async () => {
    database = await createTestDatabase(kind);
    dataDir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-restart-load-"));
    // PGlite on disk in dataDir (the default), or the test PostgreSQL: either way the restarted server opens the same database.
    const env = { ...(kind === "postgres" ? { DATABASE_URL: database.url } : {}), CYXWIZ_HEARTBEAT_SECONDS: "1", CYXWIZ_NODE_TIMEOUT_SECONDS: "10", CYXWIZ_DISPATCH_INTERVAL_MS: "500" };
    const first = await startServerProcess(env, dataDir);
    servers.push(first);
    const finished = new Map<string, number>();
    for (let i = 0; i < AGENTS; i++) agents.push(await startAgent(first.rpcUrl, { executor: countingExecutor(finished) }));

    const clients = connectClients(first.rpcUrl);
    const jobIds: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const { job } = await clients.jobs.submitJob({
        config: {
          name: `load ${i}`,
          modelDefinition: JSON.stringify(mlpMoons.graph),
          datasetUri: "dataset:two-moons",
          hyperparameters: { epochs: 12, batchSize: 32, learningRate: 0.02, seed: i },
        },
      });
      jobIds.push(job?.id as string);
    }

    // Mid-load: some jobs done, every node in the middle of training one (not fetching its data), the rest queued.
    let completedAtKill = 0;
    await waitFor(async () => {
      completedAtKill = (await clients.jobs.listJobs({ pageSize: 100 })).jobs.filter((j) => j.status === JobStatus.COMPLETED).length;
      return completedAtKill >= AGENTS && agents.every((a) => a.state.phase === "training");
    }, 90_000);
    first.process.kill("SIGKILL");
    await new Promise((resolve) => first.process.once("exit", resolve));

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const second = await startServerProcess({ ...env, CYXWIZ_RPC_PORT: new URL(first.rpcUrl).port }, dataDir);
    servers.push(second);
    // The same clients, on the restarted server (same port): they send the job tokens they were answered before the kill.
    const after = clients;
    await waitFor(async () => (await Promise.all(jobIds.map(async (jobId) => (await after.jobs.getJob({ jobId })).job?.status))).every((s) => s === JobStatus.COMPLETED), 120_000);

    // The kill came with jobs still waiting in the queue behind the ones the nodes were training.
    expect(JOBS - completedAtKill).toBeGreaterThan(AGENTS);
    for (const jobId of jobIds) {
      const { job, logs } = await after.jobs.getJob({ jobId });
      // One attempt, never taken back from its node, handed in once.
      expect(job?.attempts, jobId).toBe(1);
      expect(
        logs.filter((l) => l.message.includes("back in the queue")),
        jobId,
      ).toEqual([]);
      expect(
        logs.filter((l) => l.message.startsWith("completed on")),
        jobId,
      ).toHaveLength(1);
      // And trained to the end exactly once, across all the nodes.
      expect(finished.get(jobId), jobId).toBe(1);
    }
  });
});
