import { randomBytes, randomUUID } from "node:crypto";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { nodeChannel } from "../../server/events/channels";
import { SOCKET_PATH, type JobEvent, type NetworkEvent, type WatchJobAck, type WatchJobRequest } from "../../lib/wire/socket";
import type { ServerContext } from "../../server/context";
import { connectAsNewNode, connectClients, withJobToken } from "../helpers/clients";
import { startTestServer } from "../helpers/context";
import { createPostgresDatabase, EMBEDDED_ONLY, REDIS_URL, type TestDatabase } from "../helpers/databases";
import { queueJob } from "../helpers/fixtures";
import { startServerProcess, type ServerProcess } from "../helpers/server-process";
import { SimulatedNode } from "../helpers/simulated-node";
import { waitFor } from "../helpers/wait";

const sockets: Socket[] = [];

async function open(httpUrl: string, token?: string): Promise<Socket> {
  const socket = connect(httpUrl, { path: SOCKET_PATH, transports: ["websocket"], auth: token ? { token } : {}, reconnection: false });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

const watch = (socket: Socket, request: Partial<Record<keyof WatchJobRequest, unknown>>) => socket.emitWithAck("watch-job", request) as Promise<WatchJobAck>;

/** Every payload of one socket event, as it arrives. */
function collect<T>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

const submission = (name: string) => ({
  config: { name, modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: { epochs: 1, batchSize: 32, learningRate: 0.01 } },
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

describe("socket.io rooms on one server", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let ctx: ServerContext;

  beforeAll(async () => {
    server = await startTestServer({ heartbeatSeconds: 1, dispatchIntervalMs: 200 });
    ctx = server.context;
  });
  afterAll(async () => {
    await server.close();
  });

  it("streams a watched job's progress and status changes to its room, and the status to the network room", async () => {
    // The Engine talks to the RPC port, dashboards may use the REST port: both serve the same rooms.
    const watcher = await open(server.rpcUrl);
    const bystander = await open(server.httpUrl);
    const { job, jobToken } = await connectClients(server.rpcUrl).jobs.submitJob(submission("watched over socket.io"));
    const jobId = job?.id as string;
    expect(await watch(watcher, { jobId, jobToken })).toEqual({ ok: true, status: "QUEUED" });
    const jobEvents = collect<JobEvent>(watcher, "job");
    const bystanderJobEvents = collect<JobEvent>(bystander, "job");
    const network = collect<NetworkEvent>(bystander, "network");
    const node = new SimulatedNode(server.rpcUrl);
    try {
      await node.start();
      await waitFor(() => jobEvents.some((e) => e.status === "COMPLETED"), 30_000);
      await waitFor(() => network.some((e) => e.type === "job-status" && e.status === "COMPLETED"), 10_000);
    } finally {
      node.close();
    }
    expect(jobEvents.every((e) => e.jobId === jobId)).toBe(true);
    expect(bystanderJobEvents).toEqual([]);
    expect(network).toContainEqual(expect.objectContaining({ type: "node-online", nodeId: node.nodeId }));
  });

  it("refuses to watch an id that is not a UUID, or a job that does not exist, naming why", async () => {
    const socket = await open(server.httpUrl);
    expect(await watch(socket, { jobId: "not-a-job" })).toEqual({ ok: false, code: "invalid_argument", error: "jobId: must be a UUID" });
    const unknown = randomUUID();
    expect(await watch(socket, { jobId: unknown })).toMatchObject({ ok: false, code: "not_found", error: expect.stringContaining(`no job ${unknown} that you can see`) as string });
  });

  it("lets only the owner, the job token's holder or, for a public job, anyone into a job's room", async () => {
    const socket = await open(server.httpUrl);
    const clients = connectClients(server.rpcUrl);
    const { job, jobToken } = await clients.jobs.submitJob(submission("private"));
    const { jobToken: anothersToken } = await clients.jobs.submitJob(submission("another"));
    const jobId = job?.id as string;
    const missing = await watch(socket, { jobId: randomUUID() });
    for (const refused of [await watch(socket, { jobId }), await watch(socket, { jobId, jobToken: anothersToken })]) {
      expect(refused).toEqual({ ...missing, error: (missing as { error: string }).error.replace(/no job \S+/, `no job ${jobId}`) });
    }
    expect(await watch(socket, { jobId, jobToken: "cwg_not-a-job-token" })).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(await watch(socket, { jobId, jobToken })).toEqual({ ok: true, status: "QUEUED" });
    const visible = await clients.jobs.submitJob({ ...submission("public"), public: true });
    expect(await watch(socket, { jobId: visible.job?.id })).toEqual({ ok: true, status: "QUEUED" });
    // Out of the way of the tests that follow, which start nodes.
    await clients.jobs.cancelJob({ jobId }, withJobToken(jobToken));
    await clients.jobs.cancelJob({ jobId: visible.job?.id }, withJobToken(visible.jobToken));
  });

  it("puts a node's socket in the node's own room, where its commands arrive, and no other socket", async () => {
    const job = await queueJob(ctx);
    const node = await connectAsNewNode(server.rpcUrl);
    const nodeSocket = await open(server.httpUrl, node.sessionToken);
    const other = await open(server.httpUrl, (await connectAsNewNode(server.rpcUrl)).sessionToken);
    const commands = collect(nodeSocket, "command");
    const othersCommands = collect(other, "command");
    await ctx.bus.publish(nodeChannel(node.nodeId), { type: "cancel", jobId: job.id });
    await waitFor(() => commands.length > 0, 5_000);
    expect(commands).toEqual([{ type: "cancel", jobId: job.id }]);
    expect(othersCommands).toEqual([]);
  });

  it("refuses a connection whose token is not a node session token", async () => {
    await expect(open(server.httpUrl, "forged.token.value")).rejects.toThrow(/invalid node session token/);
  });
});

describe.skipIf(EMBEDDED_ONLY)("socket.io rooms across two server processes sharing PostgreSQL and Redis", () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];
  let node: SimulatedNode | undefined;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const env = { DATABASE_URL: database.url, REDIS_URL, CYXWIZ_REDIS_PREFIX: `test-${randomBytes(4).toString("hex")}:` };
    servers = [await startServerProcess(env), await startServerProcess(env)];
  });
  afterAll(async () => {
    node?.close();
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  it("delivers each event of a job run through one instance exactly once to a watcher on the other", async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const watcher = await open(a.httpUrl);
    const onB = await open(b.httpUrl);
    const { job, jobToken } = await connectClients(b.rpcUrl).jobs.submitJob(submission("watched across instances"));
    const jobId = job?.id as string;
    expect((await watch(watcher, { jobId, jobToken })).ok).toBe(true);
    const jobEvents = collect<JobEvent>(watcher, "job");
    const networkOnA = collect<NetworkEvent>(watcher, "network");
    const networkOnB = collect<NetworkEvent>(onB, "network");
    node = new SimulatedNode(b.rpcUrl);
    await node.start();
    await waitFor(() => jobEvents.some((e) => e.status === "COMPLETED"), 30_000);
    // The only job on these servers: the network room says that a job completed, not which.
    const completedOn = (events: NetworkEvent[]) => events.filter((e) => e.type === "job-status" && e.status === "COMPLETED");
    await waitFor(() => completedOn(networkOnA).length > 0 && completedOn(networkOnB).length > 0, 10_000);
    // A moment for any duplicate to arrive before counting.
    await new Promise((r) => setTimeout(r, 500));
    expect(jobEvents.filter((e) => e.status === "COMPLETED")).toHaveLength(1);
    expect(completedOn(networkOnA)).toHaveLength(1);
    expect(completedOn(networkOnB)).toHaveLength(1);
    expect(networkOnA.filter((e) => e.type === "node-online" && e.nodeId === node?.nodeId)).toHaveLength(1);
  });
});
