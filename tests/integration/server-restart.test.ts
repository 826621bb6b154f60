import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import type { NodeAgent } from "../../lib/compute/agent";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { createNodeAgent } from "../../worker/node-runtime";
import { connectClients, withJobToken } from "../helpers/clients";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../helpers/databases";
import { startServerProcess, type ServerProcess } from "../helpers/server-process";
import { waitFor } from "../helpers/wait";

describe.each(DATABASE_KINDS)("a server killed mid-job and restarted, on %s", (kind) => {
  let database: TestDatabase;
  let dataDir: string;
  const servers: ServerProcess[] = [];
  let agent: NodeAgent | undefined;

  afterAll(async () => {
    await agent?.stop();
    for (const server of servers) await server.stop();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("loses no job and runs none twice: the node finishes and hands its model to the new server", async () => {
    database = await createTestDatabase(kind);
    dataDir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-restart-"));
    const env = { ...(kind === "postgres" ? { DATABASE_URL: database.url } : {}), CYXWIZ_HEARTBEAT_SECONDS: "1", CYXWIZ_NODE_TIMEOUT_SECONDS: "10" };
    const first = await startServerProcess(env, dataDir);
    servers.push(first);
    agent = createNodeAgent(first.rpcUrl, { name: "restart-node" });
    void agent.run();
    const { job, jobToken } = await connectClients(first.rpcUrl).jobs.submitJob({
      config: { name: "survives a restart", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: { epochs: 6, batchSize: 64, learningRate: 0.002 } },
    });
    const jobId = job?.id as string;
    await waitFor(() => (agent?.state.job?.epoch ?? 0) >= 1, 60_000);

    first.process.kill("SIGKILL");
    await new Promise((resolve) => first.process.once("exit", resolve));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const port = new URL(first.rpcUrl).port;
    const second = await startServerProcess({ ...env, CYXWIZ_RPC_PORT: port }, dataDir);
    servers.push(second);

    const clients = connectClients(second.rpcUrl);
    // The job token its submitter kept still reads it: the restarted server derives the same one.
    await waitFor(async () => (await clients.jobs.getJob({ jobId }, withJobToken(jobToken))).job?.status === JobStatus.COMPLETED, 120_000);
    const { job: done, logs } = await clients.jobs.getJob({ jobId }, withJobToken(jobToken));
    expect(done?.attempts).toBe(1);
    expect(done?.currentEpoch).toBe(6);
    expect(logs.map((l) => l.message).join("\n")).not.toContain("back in the queue");
  });
});
