import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { generateKeyPairSigner, signBytes } from "@solana/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceType, NodeService, type JobAssignment } from "../../gen/cyxwiz/v1/node_service_pb";
import { ephemeralIdentity, registrationMessage, walletMessage, type NodeIdentity, type NodeWallet } from "../../lib/compute/identity";
import { registerNode } from "../../lib/compute/register";
import { inProcessTransport } from "../../tests/helpers/clients";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { codeOf } from "../../tests/helpers/rpc-errors";
import { queueJob } from "../../tests/helpers/fixtures";
import { TokenService } from "../auth/tokens";
import { paceOf } from "../jobs/job-message";

// The server signs with this key, so a test can mint a job token as it would be once expired.
const SECRET = "node-service-test-signing-secret-0123456789";
const INFO = { name: "test", runtime: "node", cpuCores: 2, ramTotal: 8_000_000_000n, computeScore: 10 };

describe.each(DATABASE_KINDS)("NodeService identity and job tokens on %s", (kind) => {
  let t: TestContext;
  let anonymous: Client<typeof NodeService>;
  const clientFor = (token: string) =>
    createClient(
      NodeService,
      inProcessTransport(t.ctx, () => token),
    );

  beforeAll(async () => {
    t = await createTestContext(kind, { tokenSecret: SECRET });
    anonymous = clientFor("");
  });
  afterAll(async () => {
    await t.close();
  });

  /** Registers and opens the node's assignment stream, returning the first assignment. */
  async function takeJob(identity: NodeIdentity) {
    await t.ctx.db.prisma.$executeRaw`UPDATE jobs SET status = 'CANCELLED' WHERE status = 'QUEUED'`;
    const registered = await registerNode(anonymous, identity, INFO);
    const client = clientFor(registered.sessionToken);
    const job = await queueJob(t.ctx);
    const stream = client.watchAssignments({ nodeId: registered.nodeId })[Symbol.asyncIterator]();
    const assignment = (await stream.next()).value?.event.value as JobAssignment;
    await stream.return?.();
    expect(assignment.jobId).toBe(job.id);
    return { registered, client, assignment };
  }

  it("is the same node when the same key registers again", async () => {
    const identity = await ephemeralIdentity();
    const first = await registerNode(anonymous, identity, INFO);
    const again = await registerNode(anonymous, identity, { ...INFO, computeScore: 20 });
    expect(again.nodeId).toBe(first.nodeId);
    expect(await t.ctx.nodes.get(first.nodeId)).toMatchObject({ computeScore: 20, publicKey: identity.publicKey });
  });

  it("gives another key another node", async () => {
    const a = await registerNode(anonymous, await ephemeralIdentity(), INFO);
    const b = await registerNode(anonymous, await ephemeralIdentity(), INFO);
    expect(a.nodeId).not.toBe(b.nodeId);
  });

  it("refuses a replayed registration and changes nothing", async () => {
    const identity = await ephemeralIdentity();
    const { challenge } = await anonymous.getRegistrationChallenge({});
    const signature = await identity.sign(registrationMessage(challenge, identity.publicKey));
    const request = { info: { ...INFO, publicKey: identity.publicKey }, challenge, signature };
    const first = await anonymous.registerNode(request);
    const before = await t.ctx.nodes.get(first.nodeId);
    expect(await codeOf(anonymous.registerNode({ ...request, info: { ...request.info, computeScore: 99 } }))).toBe(Code.PermissionDenied);
    expect(await codeOf(anonymous.registerNode(request))).toBe(Code.PermissionDenied);
    expect((await t.ctx.nodes.get(first.nodeId))?.computeScore).toBe(before?.computeScore);
  });

  it("refuses a signature that is not the key's own", async () => {
    const [mine, theirs] = [await ephemeralIdentity(), await ephemeralIdentity()];
    const { challenge } = await anonymous.getRegistrationChallenge({});
    const signature = await theirs.sign(registrationMessage(challenge, mine.publicKey));
    const error = await anonymous.registerNode({ info: { ...INFO, publicKey: mine.publicKey }, challenge, signature }).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.PermissionDenied });
    expect((error as ConnectError).rawMessage).toContain("signature");
  });

  it("refuses a challenge it did not issue", async () => {
    const identity = await ephemeralIdentity();
    const challenge = "made.up.challenge";
    const signature = await identity.sign(registrationMessage(challenge, identity.publicKey));
    expect(await codeOf(anonymous.registerNode({ info: { ...INFO, publicKey: identity.publicKey }, challenge, signature }))).toBe(Code.PermissionDenied);
  });

  it("names the field when the key is missing or malformed", async () => {
    const { challenge } = await anonymous.getRegistrationChallenge({});
    const missing = await anonymous.registerNode({ info: INFO, challenge }).catch((e: unknown) => ConnectError.from(e));
    expect(missing).toMatchObject({ code: Code.InvalidArgument });
    expect((missing as ConnectError).rawMessage).toContain("info.public_key");
    expect(await codeOf(anonymous.registerNode({ info: { ...INFO, publicKey: "short" }, challenge }))).toBe(Code.InvalidArgument);
  });

  describe("the node's wallet", async () => {
    const signer = await generateKeyPairSigner();
    const stranger = await generateKeyPairSigner();
    const wallet: NodeWallet = { address: signer.address, sign: (message) => signBytes(signer.keyPair.privateKey, message) };

    it("is stored with a valid proof, and forgotten when a later run registers without one", async () => {
      const identity = await ephemeralIdentity();
      const { nodeId } = await registerNode(anonymous, identity, INFO, [], undefined, wallet);
      expect((await t.ctx.nodes.get(nodeId))?.walletAddress).toBe(signer.address);
      await registerNode(anonymous, identity, INFO);
      expect((await t.ctx.nodes.get(nodeId))?.walletAddress).toBeNull();
    });

    it("is refused without a proof that verifies, naming the field, and nothing about the node changes", async () => {
      const identity = await ephemeralIdentity();
      const { nodeId } = await registerNode(anonymous, identity, INFO, [], undefined, wallet);
      const before = await t.ctx.nodes.get(nodeId);
      const forged: [NodeWallet, Code, string][] = [
        [{ ...wallet, address: "not-a-base58-address-0OIl" }, Code.InvalidArgument, "info.wallet_address"],
        [{ ...wallet, address: "3yZe7d" }, Code.InvalidArgument, "info.wallet_address"],
        [{ ...wallet, sign: async () => new Uint8Array() }, Code.InvalidArgument, "wallet_signature"],
        [{ ...wallet, sign: (message) => signBytes(stranger.keyPair.privateKey, message) }, Code.Unauthenticated, "wallet_signature"],
        [{ ...wallet, sign: () => signBytes(signer.keyPair.privateKey, walletMessage("another challenge", identity.publicKey)) }, Code.Unauthenticated, "wallet_signature"],
        [{ address: stranger.address, sign: wallet.sign }, Code.Unauthenticated, "wallet_signature"],
      ];
      for (const [bad, code, field] of forged) {
        const error = await registerNode(anonymous, identity, { ...INFO, computeScore: 99 }, [], undefined, bad).catch((e: unknown) => ConnectError.from(e));
        expect(error).toMatchObject({ code });
        expect((error as ConnectError).rawMessage.startsWith(`${field}:`)).toBe(true);
      }
      expect(await t.ctx.nodes.get(nodeId)).toEqual(before);
    });
  });

  it("puts back in the queue the job an earlier run of the node held", async () => {
    const identity = await ephemeralIdentity();
    const { assignment } = await takeJob(identity);
    await registerNode(anonymous, identity, INFO);
    expect(await t.ctx.jobs.get(assignment.jobId)).toMatchObject({ status: "QUEUED", assignedNodeId: null });
    expect(await t.ctx.db.prisma.jobAttempt.findMany({ where: { jobId: assignment.jobId } })).toMatchObject([{ outcome: "LOST" }]);
  });

  it("marks down a node that restarted without the job it held", async () => {
    const identity = await ephemeralIdentity();
    const { registered } = await takeJob(identity);
    await registerNode(anonymous, identity, INFO);
    expect((await t.ctx.nodes.get(registered.nodeId))?.reputation).toBe(45);
  });

  it("refuses to register a banned node, saying until when", async () => {
    const identity = await ephemeralIdentity();
    const { nodeId } = await registerNode(anonymous, identity, INFO);
    await t.ctx.db.prisma.node.update({ where: { id: nodeId }, data: { reputation: 27, strikes: 0 } });
    await t.ctx.nodes.recordReputation(nodeId, "heartbeat_timeout");
    const error = await registerNode(anonymous, identity, INFO).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.PermissionDenied });
    expect((error as ConnectError).rawMessage).toMatch(/is banned until .* \(strike 1, reputation 25\)/);
  });

  it("leaves a node the job it says it still trains when it registers again", async () => {
    const identity = await ephemeralIdentity();
    const { registered, assignment } = await takeJob(identity);
    await registerNode(anonymous, identity, INFO, [assignment.jobId]);
    expect(await t.ctx.jobs.get(assignment.jobId)).toMatchObject({ status: "ASSIGNED", assignedNodeId: registered.nodeId });
  });

  it("accepts reports that carry the assignment's job token", async () => {
    const { registered, client, assignment } = await takeJob(await ephemeralIdentity());
    await client.reportProgress({ nodeId: registered.nodeId, jobId: assignment.jobId, jobToken: assignment.jobToken, progress: 0.5, currentEpoch: 1 });
    expect(await t.ctx.jobs.get(assignment.jobId)).toMatchObject({ status: "RUNNING", progress: 0.5 });
  });

  it("keeps a report's pace, time left and memory on the job while it trains", async () => {
    const { registered, client, assignment } = await takeJob(await ephemeralIdentity());
    const report = { nodeId: registered.nodeId, jobId: assignment.jobId, jobToken: assignment.jobToken, progress: 0.5, currentEpoch: 1 };
    await client.reportProgress({ ...report, samplesPerSecond: 1200, etaSeconds: 42, memoryBytes: 5_000_000n });
    const job = (await t.ctx.jobs.get(assignment.jobId)) as NonNullable<Awaited<ReturnType<typeof t.ctx.jobs.get>>>;
    expect(paceOf(job)).toEqual({ samplesPerSecond: 1200, etaSeconds: 42, memoryBytes: 5_000_000 });
    expect(paceOf({ ...job, status: "COMPLETED" })).toEqual({ samplesPerSecond: 0, etaSeconds: 0, memoryBytes: 0 });
  });

  it("refuses a report with a negative time left, naming the field, and changes nothing", async () => {
    const { registered, client, assignment } = await takeJob(await ephemeralIdentity());
    const report = { nodeId: registered.nodeId, jobId: assignment.jobId, jobToken: assignment.jobToken, progress: 0.5, currentEpoch: 1, etaSeconds: -1 };
    const error = await client.reportProgress(report).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.InvalidArgument });
    expect((error as ConnectError).rawMessage).toContain("eta_seconds");
    expect(await t.ctx.jobs.get(assignment.jobId)).toMatchObject({ status: "ASSIGNED", progress: 0 });
  });

  it("refuses a report without a job token, or with another job's, and changes nothing", async () => {
    const { registered, client, assignment } = await takeJob(await ephemeralIdentity());
    const other = await takeJob(await ephemeralIdentity());
    const report = { nodeId: registered.nodeId, jobId: assignment.jobId, progress: 0.5 };
    expect(await codeOf(client.reportProgress(report))).toBe(Code.Unauthenticated);
    expect(await codeOf(client.reportProgress({ ...report, jobToken: other.assignment.jobToken }))).toBe(Code.PermissionDenied);
    expect(await codeOf(client.reportFailure({ nodeId: registered.nodeId, jobId: assignment.jobId, jobToken: other.assignment.jobToken, error: "x" }))).toBe(Code.PermissionDenied);
    expect(await t.ctx.jobs.get(assignment.jobId)).toMatchObject({ status: "ASSIGNED", progress: 0 });
  });

  it("refuses a report with a forged job token as UNAUTHENTICATED, and changes nothing", async () => {
    const { registered, client, assignment } = await takeJob(await ephemeralIdentity());
    const report = { nodeId: registered.nodeId, jobId: assignment.jobId, jobToken: "forged", progress: 0.5 };
    expect(await codeOf(client.reportProgress(report))).toBe(Code.Unauthenticated);
    expect(await codeOf(client.reportFailure({ ...report, error: "x" }))).toBe(Code.Unauthenticated);
    expect(await t.ctx.jobs.get(assignment.jobId)).toMatchObject({ status: "ASSIGNED", progress: 0 });
  });

  it("refuses a report with an expired job token as UNAUTHENTICATED, not as the job being another's, and changes nothing", async () => {
    const { registered, client, assignment } = await takeJob(await ephemeralIdentity());
    const expired = await new TokenService(SECRET, 3600, -60).issueJobToken({ jobId: assignment.jobId, nodeId: registered.nodeId, attempt: assignment.attempt });
    const error = await client.reportProgress({ nodeId: registered.nodeId, jobId: assignment.jobId, jobToken: expired, progress: 0.5 }).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.Unauthenticated });
    expect((error as ConnectError).rawMessage).toContain("job_token");
    expect(await t.ctx.jobs.get(assignment.jobId)).toMatchObject({ status: "ASSIGNED", progress: 0 });
  });

  it("refuses a job token of an earlier attempt, even from the same node", async () => {
    const { registered, client, assignment } = await takeJob(await ephemeralIdentity());
    // The attempt ends and the job comes back to this very node as attempt 2.
    await t.ctx.db.prisma.job.update({ where: { id: assignment.jobId }, data: { attempts: 2 } });
    const replay = { nodeId: registered.nodeId, jobId: assignment.jobId, jobToken: assignment.jobToken };
    expect(await codeOf(client.reportProgress({ ...replay, progress: 0.9 }))).toBe(Code.PermissionDenied);
    expect(await codeOf(client.reportFailure({ ...replay, error: "stale", retryable: false }))).toBe(Code.PermissionDenied);
    expect(await t.ctx.jobs.get(assignment.jobId)).toMatchObject({ status: "ASSIGNED", progress: 0 });
    const current = (await client.heartbeat({ nodeId: registered.nodeId, activeJobs: [assignment.jobId] })).jobTokens[assignment.jobId];
    await client.reportProgress({ ...replay, jobToken: current, progress: 0.9 });
    expect((await t.ctx.jobs.get(assignment.jobId))?.progress).toBe(0.9);
  });

  it("renews the job tokens of the jobs a node still holds with each heartbeat", async () => {
    const { registered, client, assignment } = await takeJob(await ephemeralIdentity());
    const beat = await client.heartbeat({ nodeId: registered.nodeId, activeJobs: [assignment.jobId] });
    const renewed = beat.jobTokens[assignment.jobId] as string;
    expect(renewed).toBeTruthy();
    await client.reportProgress({ nodeId: registered.nodeId, jobId: assignment.jobId, jobToken: renewed, progress: 0.25 });
    expect((await t.ctx.jobs.get(assignment.jobId))?.progress).toBe(0.25);
  });

  it("refuses a heartbeat whose load is not a fraction, naming the field, and records nothing", async () => {
    const registered = await registerNode(anonymous, await ephemeralIdentity(), INFO);
    const client = clientFor(registered.sessionToken);
    const error = await client.heartbeat({ nodeId: registered.nodeId, metrics: { cpuUsage: 42 } }).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.InvalidArgument });
    expect((error as ConnectError).rawMessage).toContain("metrics.cpu_usage");
    expect(await t.ctx.db.prisma.nodeMetric.count({ where: { nodeId: registered.nodeId } })).toBe(0);
  });

  it("refuses a heartbeat naming a malformed cached dataset before counting it as a sign of life", async () => {
    const registered = await registerNode(anonymous, await ephemeralIdentity(), INFO);
    await t.ctx.db.prisma.node.update({ where: { id: registered.nodeId }, data: { lastSeen: new Date(0) } });
    const client = clientFor(registered.sessionToken);
    const error = await client.heartbeat({ nodeId: registered.nodeId, metrics: { cpuUsage: 0.5 }, cachedDatasets: ["not-a-digest"] }).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.InvalidArgument });
    expect((error as ConnectError).rawMessage).toContain("cached_datasets");
    expect((await t.ctx.nodes.get(registered.nodeId))?.lastSeen).toEqual(new Date(0));
    expect(await t.ctx.db.prisma.nodeMetric.count({ where: { nodeId: registered.nodeId } })).toBe(0);
  });

  it("refuses a heartbeat with a negative compute score for new devices, and keeps the node's capabilities", async () => {
    const registered = await registerNode(anonymous, await ephemeralIdentity(), INFO);
    const client = clientFor(registered.sessionToken);
    const devices = [{ deviceType: DeviceType.CPU, backend: "wasm", name: "wasm", selected: true, gflops: 30 }];
    expect(await codeOf(client.heartbeat({ nodeId: registered.nodeId, devices, computeScore: -1 }))).toBe(Code.InvalidArgument);
    expect(await t.ctx.nodes.get(registered.nodeId)).toMatchObject({ computeScore: INFO.computeScore, ramTotal: INFO.ramTotal });
  });

  it("applies what a heartbeat changes about the node in the statement that records it", async () => {
    const registered = await registerNode(anonymous, await ephemeralIdentity(), INFO);
    const client = clientFor(registered.sessionToken);
    const digest = "ab".repeat(32);
    const devices = [{ deviceType: DeviceType.GPU, backend: "webgpu", name: "adapter", selected: true, gflops: 900 }];
    await client.heartbeat({ nodeId: registered.nodeId, cachedDatasets: [digest], devices, computeScore: 900, ramTotal: 4_000_000_000n });
    expect(await t.ctx.nodes.get(registered.nodeId)).toMatchObject({ cachedDatasets: [digest], computeScore: 900, backend: "webgpu", ramTotal: 4_000_000_000n });
    await client.heartbeat({ nodeId: registered.nodeId });
    expect(await t.ctx.nodes.get(registered.nodeId)).toMatchObject({ cachedDatasets: [digest], computeScore: 900, backend: "webgpu", ramTotal: 4_000_000_000n });
  });
});
