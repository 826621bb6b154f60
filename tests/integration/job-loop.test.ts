import { Code, ConnectError } from "@connectrpc/connect";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import type { JobAssignment } from "../../gen/cyxwiz/v1/node_service_pb";
import { uploadArtifact } from "../../lib/compute/artifacts-client";
import { decodeDataset } from "../../lib/data/dataset-format";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { JOB_TOKEN_HEADER } from "../../lib/wire/headers";
import { encodeCheckpoint, type Checkpoint } from "../../lib/train/checkpoint";
import type { Hyperparameters } from "../../lib/job/hyperparameters";
import { tf } from "../../lib/train/runtime-tf";
import { TrainingAborted, trainGraph } from "../../lib/train/train-loop";
import type { NodeAgent } from "../../lib/compute/agent";
import { createNodeAgent } from "../../worker/node-runtime";
import { connectAsNewNode, connectClients, grpcClients, withJobToken } from "../helpers/clients";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../helpers/databases";
import { accuracyOfModelZip, fetchDataset } from "../helpers/evaluate";
import { startServerProcess, type ServerProcess } from "../helpers/server-process";
import { waitFor } from "../helpers/wait";

const submit = (epochs: number, extra: Record<string, unknown> = {}) => ({
  config: {
    name: "integration mlp",
    modelDefinition: JSON.stringify(mlpDigits.graph),
    datasetUri: "dataset:mnist-digits",
    hyperparameters: { epochs, batchSize: 64, learningRate: 0.002 },
    ...extra,
  },
});

async function expectCode(promise: Promise<unknown>, code: Code): Promise<ConnectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  expect(Code[(error as ConnectError).code]).toBe(Code[code]);
  return error as ConnectError;
}

describe.each(DATABASE_KINDS)("the job loop through a real server process on %s", (kind) => {
  let database: TestDatabase;
  let server: ServerProcess;
  let agent: NodeAgent;
  let clients: ReturnType<typeof connectClients>;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    server = await startServerProcess({
      ...(kind === "postgres" ? { DATABASE_URL: database.url } : {}),
      CYXWIZ_HEARTBEAT_SECONDS: "1",
      CYXWIZ_NODE_TIMEOUT_SECONDS: "4",
    });
    clients = connectClients(server.rpcUrl);
    agent = createNodeAgent(server.rpcUrl, { name: "integration-node" });
    void agent.run();
    await waitFor(() => agent.state.phase === "idle");
  });

  afterAll(async () => {
    await agent?.stop();
    await server?.stop();
    await database?.drop();
  });

  it("reports health on the REST port with the configured database", async () => {
    const health = (await (await fetch(`${server.httpUrl}/api/v1/health`)).json()) as { database: string };
    expect(health.database).toBe(kind);
  });

  it("trains a submitted job on a node, streams its curve and serves a model that recognises unseen digits", async () => {
    const { job, jobToken } = await clients.jobs.submitJob(submit(2));
    const statuses: JobStatus[] = [];
    let points = 0;
    let paced = false;
    for await (const update of clients.jobs.watchJob({ jobId: job?.id as string })) {
      statuses.push(update.status);
      points += update.liveMetrics.length;
      paced ||= update.samplesPerSecond > 0 && update.etaSeconds > 0 && update.memoryBytes > 0n;
    }
    expect(statuses.at(-1)).toBe(JobStatus.COMPLETED);
    expect(statuses).toContain(JobStatus.RUNNING);
    expect(points).toBeGreaterThanOrEqual(2);
    // The node's pace and time left reach watchers while the job trains.
    expect(paced).toBe(true);
    const done = (await clients.jobs.getJob({ jobId: job?.id as string })).job;
    expect(done?.finalMetrics.val_accuracy).toBeGreaterThan(0.8);
    expect(done?.backend).toBe("wasm");
    const zip = new Uint8Array(await (await fetch(`${server.httpUrl}/api/v1/jobs/${job?.id}/model.zip`, { headers: { [JOB_TOKEN_HEADER]: jobToken } })).arrayBuffer());
    const accuracy = await accuracyOfModelZip(zip, await fetchDataset(server.httpUrl, "mnist-digits-test"));
    expect(accuracy).toBeGreaterThan(0.8);
  });

  it("serves the same API over gRPC (HTTP/2) on the RPC port", async () => {
    const overGrpc = grpcClients(server.rpcUrl).jobs;
    const { job } = await overGrpc.submitJob(submit(1));
    const { jobs } = await overGrpc.listJobs({ pageSize: 5 });
    expect(jobs.map((j) => j.id)).toContain(job?.id);
    await overGrpc.cancelJob({ jobId: job?.id });
  });

  it("rejects invalid submissions with INVALID_ARGUMENT naming the field, and stores nothing", async () => {
    const before = (await clients.jobs.listJobs({ pageSize: 200 })).jobs.length;
    const graph = structuredClone(mlpDigits.graph);
    (graph.nodes[4] as { params: Record<string, unknown> }).params.units = 0;
    const badGraph = await expectCode(clients.jobs.submitJob(submit(1, { modelDefinition: JSON.stringify(graph) })), Code.InvalidArgument);
    expect(badGraph.rawMessage).toContain('node "hidden2"');
    const badDataset = await expectCode(clients.jobs.submitJob(submit(1, { datasetUri: "dataset:nope" })), Code.InvalidArgument);
    expect(badDataset.rawMessage).toContain("dataset_uri");
    const badEpochs = await expectCode(clients.jobs.submitJob(submit(0)), Code.InvalidArgument);
    expect(badEpochs.rawMessage).toContain("epochs");
    expect((await clients.jobs.listJobs({ pageSize: 200 })).jobs.length).toBe(before);
  });

  it("answers UNAUTHENTICATED to a forged token and PERMISSION_DENIED to reports about another node's job", async () => {
    const { job } = await clients.jobs.submitJob(submit(1));
    await waitForStatus(clients, job?.id as string, JobStatus.COMPLETED);
    const forged = connectClients(server.rpcUrl, () => "not-a-token");
    await expectCode(forged.nodes.reportProgress({ jobId: job?.id, progress: 0.5 }), Code.Unauthenticated);
    const stranger = await connectAsNewNode(server.rpcUrl, { cpuCores: 1, ramTotal: 1n, computeScore: 1 });
    await expectCode(stranger.nodes.reportProgress({ nodeId: stranger.nodeId, jobId: job?.id, progress: 0.1 }), Code.Unauthenticated);
    await expectCode(stranger.nodes.reportProgress({ nodeId: stranger.nodeId, jobId: job?.id, jobToken: "forged", progress: 0.1 }), Code.Unauthenticated);
    await expectCode(
      stranger.nodes.reportCompletion({ nodeId: stranger.nodeId, jobId: job?.id, jobToken: "forged", modelWeightsUri: `/artifacts/${"a".repeat(64)}`, modelWeightsSha256: "a".repeat(64) }),
      Code.Unauthenticated,
    );
    await expectCode(stranger.nodes.reportProgress({ nodeId: agent.state.nodeId, jobId: job?.id, progress: 0.1 }), Code.PermissionDenied);
    const after = (await clients.jobs.getJob({ jobId: job?.id as string })).job;
    expect(after?.status).toBe(JobStatus.COMPLETED);
    expect(after?.assignedNodeId).toBe(agent.state.nodeId);
  });

  it("stops a running job when it is cancelled", async () => {
    const { job, jobToken } = await clients.jobs.submitJob(submit(200));
    await waitForStatus(clients, job?.id as string, JobStatus.RUNNING);
    const { job: cancelled } = await clients.jobs.cancelJob({ jobId: job?.id as string, reason: "test" }, withJobToken(jobToken));
    expect(cancelled?.status).toBe(JobStatus.CANCELLED);
    await waitFor(() => agent.state.phase === "idle" && !agent.state.job);
    expect((await clients.jobs.getJob({ jobId: job?.id as string })).job?.status).toBe(JobStatus.CANCELLED);
  });

  it("takes a job back from a node that stops sending heartbeats", async () => {
    await agent.stop();
    const silent = await connectAsNewNode(server.rpcUrl);
    const { job, jobToken } = await clients.jobs.submitJob(submit(1));
    const stream = silent.nodes.watchAssignments({ nodeId: silent.nodeId })[Symbol.asyncIterator]();
    const first = await stream.next();
    expect(first.value?.event.value).toMatchObject({ jobId: job?.id });
    await stream.return?.();
    await waitForStatus(clients, job?.id as string, JobStatus.QUEUED, 15_000);
    const { logs } = await clients.jobs.getJob({ jobId: job?.id as string });
    expect(logs.map((l) => l.message).join("\n")).toContain("stopped sending heartbeats");
    await clients.jobs.cancelJob({ jobId: job?.id as string }, withJobToken(jobToken));
    agent = createNodeAgent(server.rpcUrl, { name: "integration-node-2" });
    void agent.run();
    await waitFor(() => agent.state.phase === "idle");
  });

  it("resumes a job taken back from a silent node from its checkpoint, and refuses another job's checkpoint", async () => {
    await agent.stop();
    const { job } = await clients.jobs.submitJob(submit(3));
    const jobId = job?.id as string;

    // Real checkpoints after one epoch, made here while the job waits (no node is connected), so
    // that the silent node can hand one in at once: it sends no heartbeats and is soon taken off.
    const dataset = decodeDataset(await fetchDataset(server.httpUrl, "mnist-digits"));
    const hyperparameters = { ...((await clients.jobs.getJob({ jobId })).job?.hyperparameters as unknown as Hyperparameters) };
    const checkpointOf = async (owner: string) => {
      let taken: Uint8Array | undefined;
      const stop = new AbortController();
      const save = async (c: Checkpoint) => {
        taken = encodeCheckpoint(c);
        stop.abort();
      };
      await trainGraph({ tf, graph: mlpDigits.graph, hyperparameters, dataset, jobId: owner, signal: stop.signal, checkpoints: { every: 1, save } }).catch((error: unknown) => {
        if (!(error instanceof TrainingAborted)) throw error;
      });
      return taken as Uint8Array;
    };
    const ours = await checkpointOf(jobId);
    const theirs = await checkpointOf("another-job");

    const silent = await connectAsNewNode(server.rpcUrl);
    const stream = silent.nodes.watchAssignments({ nodeId: silent.nodeId })[Symbol.asyncIterator]();
    const assigned = (await stream.next()).value?.event.value as JobAssignment;
    expect(assigned).toMatchObject({ jobId });
    const hand = async (bytes: Uint8Array) => {
      const stored = await uploadArtifact(`${server.rpcUrl}/api/v1/artifacts`, bytes, silent.sessionToken, "application/octet-stream");
      return silent.nodes.uploadCheckpoint({ nodeId: silent.nodeId, jobId, jobToken: assigned.jobToken, checkpoint: { epoch: 1, uri: stored.uri, sha256: stored.sha256 } });
    };
    const foreign = await expectCode(hand(theirs), Code.FailedPrecondition);
    expect(foreign.rawMessage).toContain(`belongs to job another-job, not ${jobId}`);
    await hand(ours);
    await stream.return?.();
    await waitForStatus(clients, jobId, JobStatus.QUEUED, 15_000);

    agent = createNodeAgent(server.rpcUrl, { name: "integration-node-3" });
    void agent.run();
    await waitForStatus(clients, jobId, JobStatus.COMPLETED);
    const messages = (await clients.jobs.getJob({ jobId })).logs.map((l) => l.message);
    expect(messages).toContain("checkpoint after epoch 1 saved");
    expect(messages).toContain("resuming from the checkpoint after epoch 1");
    // The second node trained only what was left. (On a loaded machine its own heartbeats can
    // lapse and the job come back to it, resuming from its own later checkpoint: epoch 1 never reruns.)
    const trained = agent.state.log
      .map((l) => l.message)
      .filter((m) => m.startsWith(`job ${jobId}: epoch`))
      .map((m) => m.slice(`job ${jobId}: `.length, `job ${jobId}: `.length + 9));
    expect(trained[0]).toBe("epoch 2/3");
    expect(trained).toContain("epoch 3/3");
    expect(trained).not.toContain("epoch 1/3");
  }, 120_000);

  it("reports a failure instead of training when the dataset does not match its hash", async () => {
    const digits = (await fetch(`${server.httpUrl}/api/v1/datasets`).then((r) => r.json())) as { datasets: { name: string; sha256: string }[] };
    const sha256 = digits.datasets.find((d) => d.name === "mnist-digits")?.sha256 as string;
    const file = path.join(server.dataDir, "artifacts", sha256.slice(0, 2), sha256);
    const original = await readFile(file);
    const corrupted = Buffer.from(original);
    const last = corrupted.length - 1;
    corrupted.writeUInt8(corrupted.readUInt8(last) ^ 0xff, last);
    await writeFile(file, corrupted);
    try {
      const { job, jobToken } = await clients.jobs.submitJob(submit(1));
      await waitFor(async () => (await clients.jobs.getJob({ jobId: job?.id as string })).logs.some((l) => l.message.includes("hash mismatch")));
      const after = (await clients.jobs.getJob({ jobId: job?.id as string })).job;
      expect(after?.status).toBe(JobStatus.QUEUED);
      expect(after?.progress).toBe(0);
      expect(agent.state.log.some((l) => l.message.includes("dataset hash mismatch"))).toBe(true);
      await clients.jobs.cancelJob({ jobId: job?.id as string }, withJobToken(jobToken));
    } finally {
      await writeFile(file, original);
    }
  });
});

async function waitForStatus(clients: ReturnType<typeof connectClients>, jobId: string, status: JobStatus, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => (await clients.jobs.getJob({ jobId })).job?.status === status, timeoutMs);
}
