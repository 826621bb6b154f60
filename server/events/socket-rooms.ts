import { toJson } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { createAdapter } from "@socket.io/redis-adapter";
import type http from "node:http";
import { Redis } from "ioredis";
import { Server, type DefaultEventsMap, type Socket } from "socket.io";
import { WatchAssignmentsResponseSchema } from "../../gen/cyxwiz/v1/node_service_pb";
import { TokenError } from "../auth/tokens";
import type { ServerContext } from "../context";
import { UUID } from "../jobs/job-row";
import { openAssignmentFeed, type AssignmentFeed } from "../rpc/assignment-feed";
import { ASSIGNMENT_EVENT, SOCKET_EVENTS, SOCKET_PATH, UNWATCH_JOB, WATCH_ASSIGNMENTS, WATCH_JOB, type WatchAssignmentsAck, type WatchJobAck, type WatchJobRequest } from "../../lib/wire/socket";
import { JOB_TOKEN_HEADER } from "../../lib/wire/headers";
import { accessFrom, credentialsFrom } from "../auth/credentials";
import { jobNotFoundMessage } from "../rpc/job-refusal";
import { NETWORK_CHANNEL, QUEUE_CHANNEL } from "./channels";

/** Where an event published on a bus channel goes among the rooms, and under which socket event name. */
export function roomFor(channel: string): { room: string; event: string } | undefined {
  if (channel.startsWith("job:")) return { room: channel, event: SOCKET_EVENTS.job };
  if (channel.startsWith("node:")) return { room: channel, event: SOCKET_EVENTS.command };
  if (channel === NETWORK_CHANNEL) return { room: "network", event: SOCKET_EVENTS.network };
  if (channel === QUEUE_CHANNEL) return { room: "network", event: SOCKET_EVENTS.queue };
  return undefined;
}

/** What a socket carries: the node its session token proved (none for a dashboard), and whether it takes its assignments. */
interface SocketData {
  nodeId?: string;
  watchingAssignments?: boolean;
}
type RoomSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;

/**
 * socket.io on the given HTTP servers (the RPC port's HTTP/1.1 side, which the Engine and
 * volunteer tabs talk to, and the REST port), for browsers: rooms per job ("job:<id>",
 * joined with "watch-job"), per node ("node:<id>", joined by connecting with the node's session
 * token) and the whole network ("network", every socket). Each event published through this
 * instance's bus goes to its room; with REDIS_URL the socket.io Redis adapter carries it to the
 * sockets of every instance, so each client sees each event once wherever it is connected.
 * A node's socket also takes the node's assignments ("watch-assignments"): browser tabs listen
 * here rather than on the WatchAssignments stream.
 */
export async function attachSocketRooms(httpServers: http.Server[], ctx: ServerContext): Promise<{ io: Server; close(): Promise<void> }> {
  const io = new Server<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>({ path: SOCKET_PATH, cors: { origin: true }, serveClient: false });
  // One engine per HTTP server, all feeding this server's rooms (attach binds each as it goes).
  const engines = httpServers.map((server) => io.attach(server).engine);
  const redis = ctx.config.redisUrl ? [new Redis(ctx.config.redisUrl, { lazyConnect: true }), new Redis(ctx.config.redisUrl, { lazyConnect: true })] : undefined;
  if (redis) {
    const [pub, sub] = redis as [Redis, Redis];
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub, { key: `${ctx.config.redisPrefix}socket.io` }));
  }

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    if (token === undefined || token === "") return next();
    void (async () => {
      if (typeof token !== "string") throw new TokenError("a session token is a string", "invalid");
      socket.data.nodeId = await ctx.tokens.verifyNodeToken(token);
    })().then(
      () => next(),
      (error: unknown) => {
        // data.code is the Connect code, so that a node treats the refusal as it would the RPC's (renewing its session).
        const refused = error instanceof TokenError;
        next(Object.assign(new Error(refused ? `invalid node session token: ${error.message}` : "could not check the token"), { data: { code: refused ? "unauthenticated" : "unavailable" } }));
      },
    );
  });
  io.on("connection", (socket: RoomSocket) => {
    void socket.join("network");
    if (socket.data.nodeId) void socket.join(`node:${socket.data.nodeId}`);
    socket.on(WATCH_ASSIGNMENTS, (ack?: (answer: WatchAssignmentsAck) => void) => void feedAssignments(ctx, socket, typeof ack === "function" ? ack : () => undefined));
    socket.on(WATCH_JOB, async (request: unknown, ack?: (answer: WatchJobAck) => void) => {
      const reply = typeof ack === "function" ? ack : () => undefined;
      const { jobId, authorization, jobToken } = (request && typeof request === "object" ? request : {}) as Partial<Record<keyof WatchJobRequest, unknown>>;
      if (typeof jobId !== "string" || !UUID.test(jobId)) return reply({ ok: false, code: "invalid_argument", error: "jobId: must be a UUID" });
      if ((authorization !== undefined && typeof authorization !== "string") || (jobToken !== undefined && typeof jobToken !== "string"))
        return reply({ ok: false, code: "invalid_argument", error: "authorization and jobToken are strings" });
      let job;
      try {
        const access = await accessFrom(
          credentialsFrom(ctx, authorization, (name) => (name === JOB_TOKEN_HEADER ? (jobToken ?? null) : null)),
          "job",
        );
        job = await ctx.jobs.find(jobId.toLowerCase(), access);
      } catch (error) {
        if (error instanceof ConnectError) return reply({ ok: false, code: codeToString(error.code), error: error.rawMessage });
        ctx.log.error({ err: error, jobId }, "watch-job: could not read the job");
        return reply({ ok: false, code: "unavailable", error: "the server could not read the job just now; try again" });
      }
      if (!job) return reply({ ok: false, code: "not_found", error: jobNotFoundMessage(jobId) });
      await socket.join(`job:${job.id}`);
      reply({ ok: true, status: job.status });
    });
    socket.on(UNWATCH_JOB, (jobId: unknown) => {
      if (typeof jobId === "string") void socket.leave(`job:${jobId}`);
    });
  });

  const untap = ctx.bus.tap((channel, event) => {
    const target = roomFor(channel);
    if (target) io.to(target.room).emit(target.event, event);
  });

  return {
    io,
    async close() {
      untap();
      io.disconnectSockets(true);
      // Not io.close(): that closes the HTTP servers too, which the caller shuts down with their own grace.
      for (const engine of engines) engine.close();
      if (redis) await Promise.all(redis.map((r) => r.quit().catch(() => undefined)));
    },
  };
}

/**
 * Sends a node's WatchAssignments messages down its socket, for as long as the socket lasts: the
 * same feed as the RPC stream (so the dispatcher's attach, redelivery and commands are one code
 * path), in protobuf JSON. One feed per socket; asking again while it runs changes nothing.
 */
async function feedAssignments(ctx: ServerContext, socket: RoomSocket, reply: (answer: WatchAssignmentsAck) => void): Promise<void> {
  const nodeId = socket.data.nodeId;
  if (!nodeId) return reply({ ok: false, code: "unauthenticated", error: `${WATCH_ASSIGNMENTS}: connect with the node's session token as auth.token` });
  if (socket.data.watchingAssignments) return reply({ ok: true });
  socket.data.watchingAssignments = true;
  let feed: AssignmentFeed;
  try {
    feed = await openAssignmentFeed(ctx, nodeId, "socket.io");
  } catch (error) {
    socket.data.watchingAssignments = false;
    const refusal = ConnectError.from(error);
    return reply({ ok: false, code: codeToString(refusal.code), error: refusal.rawMessage });
  }
  socket.once("disconnect", () => feed.close());
  if (socket.disconnected) feed.close();
  reply({ ok: true });
  try {
    for await (const message of feed.messages()) socket.emit(ASSIGNMENT_EVENT, toJson(WatchAssignmentsResponseSchema, message));
  } catch (error) {
    ctx.log.error({ nodeId, err: error }, "assignment feed failed");
    socket.disconnect(true);
  }
}
