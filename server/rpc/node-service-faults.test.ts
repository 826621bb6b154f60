import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NodeService, type JobAssignment } from "../../gen/cyxwiz/v1/node_service_pb";
import { ephemeralIdentity, type NodeIdentity } from "../../lib/compute/identity";
import { registerNode } from "../../lib/compute/register";
import { inProcessTransport } from "../../tests/helpers/clients";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { queueJob } from "../../tests/helpers/fixtures";
import { codeOf } from "../../tests/helpers/rpc-errors";
import { waitFor } from "../../tests/helpers/wait";
import { TokenService } from "../auth/tokens";
import { startLivenessMonitor } from "../scheduler/monitor";
import { artifactPath } from "../artifacts/artifact-urls";

const INFO = { name: "test", runtime: "node", cpuCores: 2, ramTotal: 8_000_000_000n, computeScore: 10 };
// The server signs with this key, so a test can mint a token exactly as the server would have.
const SECRET = "node-service-faults-test-signing-secret-0123456789";

/**
 * Refusals of reports that must change nothing: from a node the liveness monitor declared
 * offline, under an expired session, and about another node's job. Each test takes a snapshot of
 * everything a report could touch (the job row, its attempts, curve points and log lines) and
 * compares it after the refused calls.
 */
function harness(t: () => TestContext) {
  const clientFor = (token: string): Client<typeof NodeService> =>
    createClient(
      NodeService,
      inProcessTransport(t().ctx, () => token),
    );

  /** A new node, registered, and a client calling with its session token. */
  async function newNode(identity?: NodeIdentity) {
    const registered = await registerNode(clientFor(""), identity ?? (await ephemeralIdentity()), INFO);
    return { nodeId: registered.nodeId, client: clientFor(registered.sessionToken) };
  }

  /** Opens the node's assignment stream and returns the job it is handed. */
  async function takeAssignment(client: Client<typeof NodeService>, nodeId: string): Promise<JobAssignment> {
    const stream = client.watchAssignments({ nodeId })[Symbol.asyncIterator]();
    const assignment = (await stream.next()).value?.event.value as JobAssignment;
    await stream.return?.();
    return assignment;
  }

  /**
   * Between tests: no job of an earlier test is left to hand out, and no earlier node can take
   * one. (An in-process transport does not tell the server a stream closed, so earlier nodes
   * stay attached to the dispatcher; offline nodes are never offered work.)
   */
  async function clearStage() {
    const { prisma } = t().ctx.db;
    await prisma.$executeRaw`UPDATE jobs SET status = 'CANCELLED', completed_at = now() WHERE status IN ('QUEUED', 'ASSIGNED', 'RUNNING')`;
    await prisma.$executeRaw`UPDATE nodes SET status = 'OFFLINE'`;
  }

  /** A queued job taken by a new node, which acknowledges it (the job is RUNNING at 0.3). */
  async function runningJob(options: { maxAttempts?: number; identity?: NodeIdentity } = {}) {
    const job = await queueJob(t().ctx);
    if (options.maxAttempts) await t().ctx.db.prisma.job.update({ where: { id: job.id }, data: { maxAttempts: options.maxAttempts } });
    const node = await newNode(options.identity);
    const assignment = await takeAssignment(node.client, node.nodeId);
    expect(assignment.jobId).toBe(job.id);
    await node.client.reportProgress({ nodeId: node.nodeId, jobId: job.id, jobToken: assignment.jobToken, progress: 0.3, currentEpoch: 1, metrics: { loss: 1 } });
    expect(await t().ctx.jobs.get(job.id)).toMatchObject({ status: "RUNNING", progress: 0.3 });
    return { ...node, jobId: job.id, jobToken: assignment.jobToken };
  }

  /** Everything a report about the job could change. */
  async function snapshot(jobId: string) {
    const { prisma } = t().ctx.db;
    return {
      job: await t().ctx.jobs.get(jobId),
      attempts: await prisma.jobAttempt.findMany({ where: { jobId }, orderBy: { attempt: "asc" } }),
      points: await prisma.jobMetric.count({ where: { jobId } }),
      logs: await prisma.jobLog.count({ where: { jobId } }),
    };
  }

  /**
   * A model the artifact check accepts (a layers-model model.json and its weights, stored), so
   * that a refused completion is refused for whose job it is, not for what it hands in.
   */
  async function storedModel() {
    const { artifacts } = t().ctx;
    const weights = await artifacts.put(new Uint8Array(8));
    const modelJson = { format: "layers-model", modelTopology: { class_name: "Model" }, weightsManifest: [{ paths: [weights.sha256], weights: [{ name: "w", shape: [2], dtype: "float32" }] }] };
    const model = await artifacts.put(new TextEncoder().encode(JSON.stringify(modelJson)));
    return { modelWeightsUri: artifactPath(model.sha256), modelWeightsSha256: model.sha256 };
  }

  return { clearStage, clientFor, newNode, takeAssignment, runningJob, snapshot, storedModel };
}

describe.each(DATABASE_KINDS)("reports from a node declared offline on %s", (kind) => {
  let t: TestContext;
  const h = harness(() => t);

  beforeAll(async () => {
    // A 2 s heartbeat timeout lets the real liveness monitor declare a node offline within seconds;
    // the long acknowledgement deadline keeps its other sweep out of these tests.
    t = await createTestContext(kind, { nodeTimeoutSeconds: 2, ackDeadlineSeconds: 3600 });
  });
  beforeEach(() => h.clearStage());
  afterAll(async () => {
    await t.close();
  });

  /**
   * Runs the server's liveness monitor until it has declared the job's silent node offline and
   * announced the job taken back, then stops it, so that nothing else moves during the test.
   */
  async function declareOffline(jobId: string, nodeId: string) {
    const stop = startLivenessMonitor(t.ctx);
    try {
      await waitFor(async () => (await t.ctx.db.prisma.jobLog.count({ where: { jobId, message: { startsWith: "node stopped sending heartbeats" } } })) > 0, 30_000);
    } finally {
      stop();
    }
    expect((await t.ctx.nodes.get(nodeId))?.status).toBe("OFFLINE");
  }

  it("refuses progress about the job it lost with PERMISSION_DENIED, and changes nothing", async () => {
    const { client, nodeId, jobId, jobToken } = await h.runningJob();
    await declareOffline(jobId, nodeId);
    const before = await h.snapshot(jobId);
    expect(before.job).toMatchObject({ status: "QUEUED", assignedNodeId: null, attempts: 1, progress: 0 });
    const error = await client
      .reportProgress({ nodeId, jobId, jobToken, progress: 0.9, currentEpoch: 2, metrics: { loss: 0.1 }, logMessage: "still here" })
      .catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.PermissionDenied });
    expect((error as ConnectError).rawMessage).toContain("not assigned to this node");
    expect(await h.snapshot(jobId)).toEqual(before);
  });

  it("refuses the completion of the job it lost with PERMISSION_DENIED, and records no model", async () => {
    const { client, nodeId, jobId, jobToken } = await h.runningJob();
    await declareOffline(jobId, nodeId);
    const before = await h.snapshot(jobId);
    expect(await codeOf(client.reportCompletion({ nodeId, jobId, jobToken, ...(await h.storedModel()), finalMetrics: { loss: 0.1 } }))).toBe(Code.PermissionDenied);
    expect(await h.snapshot(jobId)).toEqual(before);
    expect(before.job?.modelWeightsSha256).toBeNull();
    expect(before.attempts.map((a) => a.outcome)).toEqual(["LOST"]);
  });

  it("refuses every report of the old attempt once another node holds the job, leaving the new attempt alone", async () => {
    const { client, nodeId, jobId, jobToken } = await h.runningJob();
    await declareOffline(jobId, nodeId);
    const successor = await h.newNode();
    const taken = await h.takeAssignment(successor.client, successor.nodeId);
    expect(taken).toMatchObject({ jobId, attempt: 2 });
    const before = await h.snapshot(jobId);
    const stale = { nodeId, jobId, jobToken };
    expect(await codeOf(client.reportProgress({ ...stale, progress: 0.9 }))).toBe(Code.PermissionDenied);
    expect(await codeOf(client.reportCompletion({ ...stale, ...(await h.storedModel()) }))).toBe(Code.PermissionDenied);
    expect(await codeOf(client.reportFailure({ ...stale, error: "gave up", retryable: false }))).toBe(Code.PermissionDenied);
    expect(await h.snapshot(jobId)).toEqual(before);
    expect(before.job).toMatchObject({ status: "ASSIGNED", assignedNodeId: successor.nodeId, attempts: 2 });
    expect(before.attempts.map((a) => a.outcome)).toEqual(["LOST", "RUNNING"]);
  });

  it("tells the node to drop the job when it heartbeats again, and renews no job token for it", async () => {
    const { client, nodeId, jobId } = await h.runningJob();
    await declareOffline(jobId, nodeId);
    const before = await h.snapshot(jobId);
    const beat = await client.heartbeat({ nodeId, activeJobs: [jobId] });
    expect(beat.jobsToCancel).toEqual([jobId]);
    expect(beat.jobTokens).toEqual({});
    expect(await h.snapshot(jobId)).toEqual(before);
  });

  it("refuses the completion of a job whose last attempt it lost with FAILED_PRECONDITION: the job stays failed", async () => {
    // The lost attempt was the job's last, so the monitor fails the job and it stays on the node.
    const { client, nodeId, jobId, jobToken } = await h.runningJob({ maxAttempts: 1 });
    await declareOffline(jobId, nodeId);
    const before = await h.snapshot(jobId);
    expect(before.job).toMatchObject({ status: "FAILED", assignedNodeId: nodeId, attempts: 1 });
    const error = await client.reportCompletion({ nodeId, jobId, jobToken, ...(await h.storedModel()) }).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.FailedPrecondition });
    expect((error as ConnectError).rawMessage).toContain("has already ended");
    expect(await codeOf(client.reportProgress({ nodeId, jobId, jobToken, progress: 0.9 }))).toBe(Code.FailedPrecondition);
    expect(await h.snapshot(jobId)).toEqual(before);
  });
});

describe.each(DATABASE_KINDS)("reports under an expired session or about another node's job on %s", (kind) => {
  let t: TestContext;
  const h = harness(() => t);

  beforeAll(async () => {
    t = await createTestContext(kind, { tokenSecret: SECRET });
  });
  beforeEach(() => h.clearStage());
  afterAll(async () => {
    await t.close();
  });

  /** The node's session token as the server issued it, but expired a minute ago. */
  const expiredSession = async (nodeId: string) => (await new TokenService(SECRET, -60, 3600).issueNodeToken(nodeId)).token;

  it("accepts a completion with a stored model from the node that holds the job", async () => {
    // The control for the refusals below: the same kind of model is good enough when the right node hands it in.
    const { client, nodeId, jobId, jobToken } = await h.runningJob();
    await client.reportCompletion({ nodeId, jobId, jobToken, ...(await h.storedModel()), finalMetrics: { loss: 0.1 } });
    expect(await t.ctx.jobs.get(jobId)).toMatchObject({ status: "COMPLETED", assignedNodeId: nodeId });
  });

  it("answers UNAUTHENTICATED to every call of a node whose session expired mid-job, and changes nothing", async () => {
    const { nodeId, jobId, jobToken } = await h.runningJob();
    const lastSeen = (await t.ctx.nodes.get(nodeId))?.lastSeen;
    const before = await h.snapshot(jobId);
    const expired = h.clientFor(await expiredSession(nodeId));
    const error = await expired.heartbeat({ nodeId, activeJobs: [jobId] }).catch((e: unknown) => ConnectError.from(e));
    // UNAUTHENTICATED (not PERMISSION_DENIED) tells the node to register again and keep its job.
    expect(error).toMatchObject({ code: Code.Unauthenticated });
    expect((error as ConnectError).rawMessage).toContain("expired");
    expect(await codeOf(expired.reportProgress({ nodeId, jobId, jobToken, progress: 0.9, metrics: { loss: 0.1 }, logMessage: "epoch 2" }))).toBe(Code.Unauthenticated);
    expect(await codeOf(expired.reportCompletion({ nodeId, jobId, jobToken, ...(await h.storedModel()) }))).toBe(Code.Unauthenticated);
    expect(await codeOf(expired.reportFailure({ nodeId, jobId, jobToken, error: "x", retryable: true }))).toBe(Code.Unauthenticated);
    expect(await h.snapshot(jobId)).toEqual(before);
    expect((await t.ctx.nodes.get(nodeId))?.lastSeen).toEqual(lastSeen);
  });

  it("lets a node whose session expired register again, keep its job and go on reporting with the same job token", async () => {
    const identity = await ephemeralIdentity();
    const { nodeId, jobId, jobToken } = await h.runningJob({ identity });
    expect(await codeOf(h.clientFor(await expiredSession(nodeId)).heartbeat({ nodeId, activeJobs: [jobId] }))).toBe(Code.Unauthenticated);
    // What the agent does on UNAUTHENTICATED: register again, naming the job it still trains.
    const again = await registerNode(h.clientFor(""), identity, INFO, [jobId]);
    expect(again.nodeId).toBe(nodeId);
    await h.clientFor(again.sessionToken).reportProgress({ nodeId, jobId, jobToken, progress: 0.6 });
    expect(await t.ctx.jobs.get(jobId)).toMatchObject({ status: "RUNNING", assignedNodeId: nodeId, attempts: 1, progress: 0.6 });
    expect((await h.snapshot(jobId)).attempts.map((a) => a.outcome)).toEqual(["RUNNING"]);
  });

  it("refuses a node reporting on another node's job with that node's job token, and changes nothing", async () => {
    const owner = await h.runningJob();
    const thief = await h.newNode();
    const before = await h.snapshot(owner.jobId);
    const stolen = { jobId: owner.jobId, jobToken: owner.jobToken };
    expect(await codeOf(thief.client.reportProgress({ nodeId: thief.nodeId, ...stolen, progress: 0.9 }))).toBe(Code.PermissionDenied);
    expect(await codeOf(thief.client.reportCompletion({ nodeId: thief.nodeId, ...stolen, ...(await h.storedModel()) }))).toBe(Code.PermissionDenied);
    expect(await codeOf(thief.client.reportFailure({ nodeId: thief.nodeId, ...stolen, error: "x", retryable: false }))).toBe(Code.PermissionDenied);
    // Naming the owner does not help: the session token says who is calling.
    expect(await codeOf(thief.client.reportProgress({ nodeId: owner.nodeId, ...stolen, progress: 0.9 }))).toBe(Code.PermissionDenied);
    expect(await h.snapshot(owner.jobId)).toEqual(before);
  });

  it("gives no job token to a node that heartbeats another node's job, and tells it to drop the job", async () => {
    const owner = await h.runningJob();
    const thief = await h.newNode();
    const before = await h.snapshot(owner.jobId);
    const beat = await thief.client.heartbeat({ nodeId: thief.nodeId, activeJobs: [owner.jobId] });
    expect(beat.jobTokens).toEqual({});
    expect(beat.jobsToCancel).toEqual([owner.jobId]);
    expect(await h.snapshot(owner.jobId)).toEqual(before);
  });
});
