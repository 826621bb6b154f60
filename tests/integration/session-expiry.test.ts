import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NodeAgent } from "../../lib/compute/agent";
import { ephemeralIdentity } from "../../lib/compute/identity";
import { NodeSession } from "../../lib/compute/node-session";
import { registerNode } from "../../lib/compute/register";
import { TokenService } from "../../server/auth/tokens";
import { startTestServer } from "../helpers/context";
import { startAgent } from "../helpers/agent";
import { queueJob } from "../helpers/fixtures";
import { waitFor } from "../helpers/wait";

// The server signs with this key, so the test can mint the node's session token as it would be once expired.
const SECRET = "session-expiry-test-signing-secret-0123456789";
const EPOCHS = 3;

/**
 * A real node agent whose session token expires while it holds a job. The expiry is made to
 * happen at a chosen call (rather than by a short token lifetime, which would make the outcome
 * depend on which call happens to go out first): from that call on, every call that carries the
 * old session presents that session's token expired, as the server would see it once its
 * lifetime ran out, until the node registers again.
 */
describe("a node whose session expires mid-job", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let agent: NodeAgent | undefined;

  beforeAll(async () => {
    server = await startTestServer({ heartbeatSeconds: 1, dispatchIntervalMs: 200, tokenSecret: SECRET });
  });
  afterAll(async () => {
    await agent?.stop();
    await server.close();
  });

  it.each([
    ["a progress report mid-training", "ReportProgress"],
    ["the completion report, the trained model in hand", "ReportCompletion"],
  ])("registers again when %s is refused, keeps its job and finishes it in the same attempt", async (_, expiresAt) => {
    let phase: "idle" | "armed" | "expired" | "renewed" = "idle";
    let expiredToken = "";
    let heartbeats = 0;
    const refusals: string[] = [];
    const expiring: Interceptor = (next) => async (req) => {
      if (req.method.name === "Heartbeat") heartbeats++;
      if (phase === "armed" && req.method.name === expiresAt) phase = "expired";
      if (phase !== "expired") return next(req);
      if (req.method.name === "RegisterNode") {
        const response = await next(req);
        phase = "renewed";
        return response;
      }
      if (req.header.has("authorization")) req.header.set("authorization", `Bearer ${expiredToken}`);
      try {
        return await next(req);
      } catch (error) {
        refusals.push(`${req.method.name}: ${Code[ConnectError.from(error).code]}`);
        throw error;
      }
    };
    await agent?.stop();
    agent = await startAgent(server.rpcUrl, {
      // After the agent's own interceptor (which sets its session token), so this one can replace it.
      transport: (interceptors) => createConnectTransport({ baseUrl: server.rpcUrl, httpVersion: "1.1", interceptors: [...interceptors, expiring] }),
    });
    const nodeId = agent.state.nodeId as string;
    expiredToken = (await new TokenService(SECRET, -60, 3600).issueNodeToken(nodeId)).token;
    // Heartbeats follow the server's interval from registration on (1 s here).
    await waitFor(() => heartbeats > 0, 5_000);
    const { id: jobId } = await queueJob(server.context, {
      hyperparameters: { epochs: EPOCHS, batchSize: 64, learningRate: 0.001, optimizer: "adam", validationSplit: 0.1, seed: 1 },
      totalEpochs: EPOCHS,
    });

    // Armed once training is under way, with most of its epochs still to run.
    await waitFor(() => (agent?.state.job?.epoch ?? 0) >= 1, 60_000);
    phase = "armed";
    await waitFor(async () => (await server.context.jobs.get(jobId))?.status === "COMPLETED", 120_000);

    // The expiry really happened mid-job: the server refused the node's calls, and it registered again.
    expect(phase).toBe("renewed");
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((r) => r.endsWith(": Unauthenticated"))).toBe(true);
    expect(agent.state.nodeId).toBe(nodeId);
    // And the job never left the node: one attempt, completed, never back in the queue.
    expect(await server.context.jobs.get(jobId)).toMatchObject({ attempts: 1, assignedNodeId: nodeId, currentEpoch: EPOCHS });
    const attempts = await server.context.db.prisma.jobAttempt.findMany({ where: { jobId } });
    expect(attempts.map((a) => a.outcome)).toEqual(["COMPLETED"]);
    const logs = await server.context.db.prisma.jobLog.findMany({ where: { jobId } });
    expect(logs.map((l) => l.message).join("\n")).not.toContain("back in the queue");
  });

  it("keeps its job when a progress report's job token is refused as expired, and finishes it in the same attempt", async () => {
    let expiring = 0;
    const refusals: string[] = [];
    // Two progress reports carry the job token as it would be once expired; the next heartbeat's renewed one follows.
    const expiredJobToken: Interceptor = (next) => async (req) => {
      if (req.stream || req.method.name !== "ReportProgress" || expiring === 0) return next(req);
      expiring--;
      const message = req.message as unknown as { jobId: string; nodeId: string; jobToken: string };
      const attempt = (await server.context.jobs.get(message.jobId))?.attempts ?? 0;
      message.jobToken = await new TokenService(SECRET, 3600, -60).issueJobToken({ jobId: message.jobId, nodeId: message.nodeId, attempt });
      try {
        return await next(req);
      } catch (error) {
        refusals.push(Code[ConnectError.from(error).code]);
        throw error;
      }
    };
    await agent?.stop();
    agent = await startAgent(server.rpcUrl, {
      transport: (interceptors) => createConnectTransport({ baseUrl: server.rpcUrl, httpVersion: "1.1", interceptors: [...interceptors, expiredJobToken] }),
    });
    const nodeId = agent.state.nodeId as string;
    const { id: jobId } = await queueJob(server.context, {
      hyperparameters: { epochs: EPOCHS, batchSize: 64, learningRate: 0.001, optimizer: "adam", validationSplit: 0.1, seed: 1 },
      totalEpochs: EPOCHS,
    });
    await waitFor(() => (agent?.state.job?.epoch ?? 0) >= 1, 60_000);
    expiring = 2;
    await waitFor(async () => (await server.context.jobs.get(jobId))?.status === "COMPLETED", 120_000);

    expect(refusals).toContain("Unauthenticated");
    expect(await server.context.jobs.get(jobId)).toMatchObject({ attempts: 1, assignedNodeId: nodeId, currentEpoch: EPOCHS });
    const attempts = await server.context.db.prisma.jobAttempt.findMany({ where: { jobId } });
    expect(attempts.map((a) => a.outcome)).toEqual(["COMPLETED"]);
  });
});

/**
 * A node whose session token the server cannot verify (forged, or a token of another kind) is
 * refused UNAUTHENTICATED and registers again, which gives it a genuine token; the refused call
 * is sent once more with it, and never again however the server answers.
 */
describe("a node whose session token does not verify", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  /** A session whose first `forgedRegistrations` registrations hand it a forged token instead of the server's. */
  async function sessionWithForgedTokens(forgedRegistrations: number) {
    const identity = await ephemeralIdentity();
    let registrations = 0;
    const sent: string[] = [];
    const recording: Interceptor = (next) => (req) => {
      if (req.method.name === "Heartbeat") sent.push(req.header.get("authorization") ?? "");
      return next(req);
    };
    const session = new NodeSession({
      transport: (interceptors) => createConnectTransport({ baseUrl: server.rpcUrl, httpVersion: "1.1", interceptors: [...interceptors, recording] }),
      register: async (client) => {
        const response = await registerNode(client, identity, { cpuCores: 1, ramTotal: 1_000_000_000n, computeScore: 1 });
        return ++registrations <= forgedRegistrations ? { ...response, sessionToken: "forged" } : response;
      },
    });
    const registered = await session.register();
    return { session, nodeId: registered.nodeId, sent, registrations: () => registrations };
  }

  it("registers again once and sends the refused call with the genuine token it got", async () => {
    const { session, nodeId, sent, registrations } = await sessionWithForgedTokens(1);
    await session.client.heartbeat({ nodeId });
    expect(registrations()).toBe(2);
    expect(sent).toEqual(["Bearer forged", `Bearer ${session.token}`]);
  });

  it("gives up on the call after one registration when the new token is refused too, rather than registering again and again", async () => {
    const { session, nodeId, sent, registrations } = await sessionWithForgedTokens(Infinity);
    await expect(session.client.heartbeat({ nodeId })).rejects.toMatchObject({ code: Code.Unauthenticated });
    expect(registrations()).toBe(2);
    expect(sent).toEqual(["Bearer forged", "Bearer forged"]);
  });
});
