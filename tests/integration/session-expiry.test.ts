import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NodeAgent } from "../../lib/compute/agent";
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
});
