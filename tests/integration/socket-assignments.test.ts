import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WatchAssignmentsResponseSchema, type RegisterNodeResponse, type WatchAssignmentsResponse } from "../../gen/cyxwiz/v1/node_service_pb";
import type { AgentOptions, NodeAgent } from "../../lib/compute/agent";
import { socketAssignments } from "../../lib/compute/assignment-socket";
import { TokenService } from "../../server/auth/tokens";
import { ASSIGNMENT_EVENT, SOCKET_PATH, WATCH_ASSIGNMENTS, type WatchAssignmentsAck } from "../../lib/wire/socket";
import type { ServerContext } from "../../server/context";
import { startAgent } from "../helpers/agent";
import { startSocketBlockingProxy } from "../helpers/blocking-proxy";
import { connectAsNewNode, connectClients, withJobToken } from "../helpers/clients";
import { startTestServer } from "../helpers/context";
import { jobTokenOf, queueJob } from "../helpers/fixtures";
import { waitFor } from "../helpers/wait";

// The server signs with this key, so a test can mint a session token as it would be once expired.
const SECRET = "socket-assignments-test-signing-secret-0123456789";
const THREE_EPOCHS = { hyperparameters: { epochs: 3, batchSize: 64, learningRate: 0.001, optimizer: "adam", validationSplit: 0.1, seed: 1 }, totalEpochs: 3 };

/**
 * Browser tabs take their assignments over socket.io: the same messages the WatchAssignments
 * stream carries (jobs, cancel, pause…), from the same feed, with the stream as the fallback
 * where socket.io cannot get through.
 */
describe("assignments over socket.io", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let ctx: ServerContext;
  let agent: NodeAgent | undefined;
  const sockets: Socket[] = [];
  /** The RPC methods the agent called, in order. */
  let calls: string[] = [];
  const recording: Interceptor = (next) => (req) => {
    calls.push(req.method.name);
    return next(req);
  };
  const startOnSocket = (options: Partial<AgentOptions> = {}) =>
    startAgent(server.rpcUrl, {
      assignmentsVia: "socket.io",
      transport: (interceptors) => createConnectTransport({ baseUrl: server.rpcUrl, httpVersion: "1.1", interceptors: [...interceptors, recording] }),
      ...options,
    });

  /** A node's own socket, asking for its assignments; every message it is sent lands in the returned list. */
  async function watchOverSocket(token: string): Promise<{ ack: WatchAssignmentsAck; messages: WatchAssignmentsResponse[]; socket: Socket }> {
    const socket = connect(server.rpcUrl, { path: SOCKET_PATH, auth: { token }, reconnection: false });
    sockets.push(socket);
    const messages: WatchAssignmentsResponse[] = [];
    socket.on(ASSIGNMENT_EVENT, (json: JsonValue) => messages.push(fromJson(WatchAssignmentsResponseSchema, json)));
    const ack = (await socket.emitWithAck(WATCH_ASSIGNMENTS)) as WatchAssignmentsAck;
    return { ack, messages, socket };
  }
  const assignedJobs = (messages: WatchAssignmentsResponse[]) => messages.flatMap((m) => (m.event.case === "assignment" ? [m.event.value] : []));
  const completed = (jobId: string) => async () => (await ctx.jobs.get(jobId))?.status === "COMPLETED";

  beforeAll(async () => {
    server = await startTestServer({ heartbeatSeconds: 1, dispatchIntervalMs: 200, tokenSecret: SECRET });
    ctx = server.context;
  });
  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    for (const socket of sockets.splice(0)) socket.disconnect();
    calls = [];
    // Until the server has seen the node go, it could still hand the next test's job to it.
    await waitFor(() => ctx.dispatcher.attachedCount === 0, 10_000);
    await ctx.db.prisma.$executeRaw`UPDATE jobs SET status = 'CANCELLED', completed_at = now() WHERE status IN ('QUEUED', 'ASSIGNED', 'RUNNING')`;
  });
  afterAll(async () => {
    await server.close();
  });

  it("trains a job it was assigned over socket.io to completion, never opening the WatchAssignments stream", async () => {
    agent = await startOnSocket();
    const job = await queueJob(ctx);
    await waitFor(completed(job.id), 60_000);
    expect((await ctx.jobs.get(job.id))?.assignedNodeId).toBe(agent.state.nodeId);
    expect(calls).not.toContain("WatchAssignments");
  });

  it("sends a node's socket the assignment it missed again when the node reconnects", async () => {
    const node = await connectAsNewNode(server.rpcUrl);
    const first = await watchOverSocket(node.sessionToken);
    expect(first.ack).toEqual({ ok: true });
    const job = await queueJob(ctx);
    await waitFor(() => assignedJobs(first.messages).length > 0, 10_000);
    // The node never acknowledged (no progress report): the job is still its own, waiting.
    first.socket.disconnect();
    await waitFor(() => ctx.dispatcher.attachedCount === 0, 10_000);

    const second = await watchOverSocket(node.sessionToken);
    await waitFor(() => assignedJobs(second.messages).length > 0, 10_000);
    expect(assignedJobs(second.messages)).toEqual([expect.objectContaining({ jobId: job.id, attempt: 1 })]);
    expect(await ctx.jobs.get(job.id)).toMatchObject({ status: "ASSIGNED", assignedNodeId: node.nodeId });
  });

  it.each([
    ["a forged", async () => "forged.token.value"],
    ["an expired", async () => (await new TokenService(SECRET, -60, 3600).issueNodeToken((await connectAsNewNode(server.rpcUrl)).nodeId)).token],
  ])("refuses %s session token at connect, as UNAUTHENTICATED", async (_, token) => {
    const refusal = await socketAssignments(server.rpcUrl, await token(), new AbortController().signal)
      .next()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refusal).toBeInstanceOf(ConnectError);
    expect(refusal).toMatchObject({ code: Code.Unauthenticated, rawMessage: expect.stringMatching(/^invalid node session token/) });
  });

  it("refuses assignments to a socket connected without a node session token, naming what is missing", async () => {
    const { ack } = await watchOverSocket("");
    expect(ack).toEqual({ ok: false, code: "unauthenticated", error: "watch-assignments: connect with the node's session token as auth.token" });
  });

  it("registers again when its socket's session token is refused, then takes work", async () => {
    let registrations = 0;
    // The first session the server hands out is presented as it would be once expired.
    const expiring: Interceptor = (next) => async (req) => {
      const response = await next(req);
      if (req.method.name === "RegisterNode" && !response.stream && registrations++ === 0) {
        const registered = response.message as RegisterNodeResponse;
        registered.sessionToken = (await new TokenService(SECRET, -60, 3600).issueNodeToken(registered.nodeId)).token;
      }
      return response;
    };
    agent = await startOnSocket({
      transport: (interceptors) => createConnectTransport({ baseUrl: server.rpcUrl, httpVersion: "1.1", interceptors: [...interceptors, expiring] }),
    });
    const job = await queueJob(ctx);
    await waitFor(completed(job.id), 60_000);
    expect(registrations).toBe(2);
    expect(agent.state.log.map((e) => e.message)).toContainEqual(expect.stringMatching(/^connection to server lost: Unauthenticated: invalid node session token/));
  });

  it("stops a job its owner cancels, told over socket.io", async () => {
    agent = await startOnSocket();
    const job = await queueJob(ctx, THREE_EPOCHS);
    await waitFor(() => (agent?.state.job?.progress ?? 0) > 0.05, 60_000);
    await connectClients(server.rpcUrl).jobs.cancelJob({ jobId: job.id }, withJobToken(jobTokenOf(ctx, job.id)));
    await waitFor(() => agent?.state.job === undefined, 10_000);
    expect(agent.state.log.map((e) => e.message)).toContain(`job ${job.id} was cancelled`);
    expect((await ctx.jobs.get(job.id))?.status).toBe("CANCELLED");
    expect(calls).not.toContain("WatchAssignments");
  });

  it("holds a job its owner pauses, told over socket.io, and finishes it once resumed", async () => {
    agent = await startOnSocket();
    const job = await queueJob(ctx, THREE_EPOCHS);
    const { jobs } = connectClients(server.rpcUrl);
    await waitFor(() => (agent?.state.job?.progress ?? 0) > 0.05, 60_000);
    await jobs.pauseJob({ jobId: job.id }, withJobToken(jobTokenOf(ctx, job.id)));
    await waitFor(() => agent?.state.job?.heldByOwner === true, 10_000);
    await jobs.resumeJob({ jobId: job.id }, withJobToken(jobTokenOf(ctx, job.id)));
    await waitFor(completed(job.id), 60_000);
    expect(calls).not.toContain("WatchAssignments");
  });

  it("takes its assignments over the WatchAssignments stream where socket.io is blocked, and says so", async () => {
    const proxy = await startSocketBlockingProxy(server.rpcUrl);
    try {
      agent = await startAgent(proxy.url, {
        assignmentsVia: "socket.io",
        transport: (interceptors) => createConnectTransport({ baseUrl: proxy.url, httpVersion: "1.1", interceptors: [...interceptors, recording] }),
      });
      const job = await queueJob(ctx);
      await waitFor(completed(job.id), 60_000);
      expect(calls).toContain("WatchAssignments");
      expect(agent.state.log.map((e) => e.message)).toContainEqual(expect.stringMatching(/^socket\.io unreachable \(.+\): taking assignments over the WatchAssignments stream instead$/));
    } finally {
      await agent?.stop();
      agent = undefined;
      await proxy.close();
    }
  });
});
