import { connectNodeAdapter } from "@connectrpc/connect-node";
import { randomUUID } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { ArtifactStore } from "./artifacts/store";
import { loadSigningSecret } from "./auth/signing-secret";
import { TokenService } from "./auth/tokens";
import type { ServerConfig } from "./config";
import type { ServerContext } from "./context";
import { DatasetCatalog } from "./datasets/catalog";
import { GraphStore } from "./graphs/graph-store";
import { openDatabase } from "./db/database";
import { memoryBus, type EventBus } from "./events/bus";
import { QUEUE_CHANNEL } from "./events/channels";
import { publishJobEvent } from "./events/job-events";
import { redisBus } from "./events/redis-bus";
import { memoryRateLimiter, redisRateLimiter } from "./inference/rate-limit";
import { memoryHotState, redisHotState } from "./cache/hot-state";
import { applyCors } from "./http/cors";
import { closeServer, dualProtocolServer, listen, trackSockets } from "./http/listeners";
import { restRoutes } from "./http/rest";
import type { NodeRequest, NodeResponse } from "./http/router";
import { JobStore } from "./jobs/job-store";
import { requestContext, type Logger } from "./log";
import { NodeStore } from "./nodes/node-store";
import { UserStore } from "./users/user-store";
import { DeploymentStore } from "./inference/deployment-store";
import { rpcRouterOptions, rpcRoutes } from "./rpc/routes";
import { ServerMetrics } from "./ops/metrics";
import { Dispatcher } from "./scheduler/dispatcher";
import { releaseClaim } from "./jobs/sql/release-claim";
import { anyQueued, claimJobs } from "./scheduler/claim";
import { startLivenessMonitor } from "./scheduler/monitor";
import { startMetricsRetention } from "./ops/retention";
import { attachSocketRooms } from "./events/socket-rooms";
import { openPayments } from "./payments/payments";
import { startPaymentSettlement } from "./payments/settlement";

export interface RunningServer {
  rpcUrl: string;
  httpUrl: string;
  context: ServerContext;
  close(): Promise<void>;
}

/** Database, stores, bus and scheduler, without listeners: what handlers (and their tests) need. */
export async function buildContext(config: ServerConfig, log: Logger): Promise<ServerContext> {
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: (error) => log.warn({ err: error }, "an idle database connection was closed by the server"),
  });
  log.info({ database: db.kind, location: db.location }, "database ready");
  const bus: EventBus = config.redisUrl ? await redisBus(config.redisUrl, config.redisPrefix) : memoryBus();
  const rateLimiter = config.redisUrl ? await redisRateLimiter(config.redisUrl, config.redisPrefix) : memoryRateLimiter();
  // Hot entries outlive a node's silence no longer than the liveness monitor tolerates it.
  const hotState = config.redisUrl
    ? await redisHotState(config.redisUrl, config.redisPrefix, config.nodeTimeoutSeconds, (error) => log.warn({ err: error }, "hot state unavailable; reading PostgreSQL"))
    : memoryHotState(config.nodeTimeoutSeconds);
  const artifacts = new ArtifactStore(path.join(config.dataDir, "artifacts"), config.maxArtifactBytes);
  const jobs = new JobStore(db.prisma);
  const nodes = new NodeStore(db.prisma);
  const users = new UserStore(db.prisma);
  const deployments = new DeploymentStore(db.prisma);
  const datasets = new DatasetCatalog(db.prisma, artifacts, config.datasetChunkBytes);
  const graphs = new GraphStore(db.prisma);
  const builtins = await datasets.ensureBuiltins();
  log.info({ datasets: builtins.map((d) => `${d.name} (${d.spec.count} samples, sha256 ${d.sha256.slice(0, 12)}…)`) }, "built-in datasets ready");
  const tokens = new TokenService(await loadSigningSecret(db.prisma, config.tokenSecret), config.tokenTtlSeconds, config.jobTokenTtlSeconds, config.accessTokenTtlSeconds);
  const dispatcher = new Dispatcher({
    jobs,
    claim: (nodeIds, limit) => claimJobs(db.prisma, nodeIds, limit),
    anyQueued: () => anyQueued(db.prisma),
    release: (jobId, nodeId) => releaseClaim(db.prisma, jobId, nodeId),
    onAssigned: (job, entry) => {
      metrics.assignments.inc();
      return publishJobEvent(bus, job, { statusChanged: true, logs: [entry] });
    },
    onError: (error) => log.error({ err: error }, "dispatch failed"),
  });
  const metrics = new ServerMetrics(db.prisma, () => dispatcher.attachedCount);
  const payments = await openPayments(config, db.prisma, log);
  return {
    config,
    db,
    jobs,
    nodes,
    users,
    deployments,
    datasets,
    graphs,
    artifacts,
    bus,
    rateLimiter,
    hotState,
    tokens,
    dispatcher,
    payments,
    log,
    metrics,
    startedAt: new Date(),
    async close() {
      await payments?.close();
      await bus.close();
      await rateLimiter.close();
      await hotState.close();
      await db.close();
    },
  };
}

const MAX_MESSAGE_BYTES = 16 * 1024 ** 2;
/** How soon an ended priced job's money moves (released or refunded), and an unpaid one expires. */
const SETTLEMENT_PERIOD_MS = 2000;
const COMPRESS_MIN_BYTES = 64 * 1024;

/** Composition root: config → context → scheduler loops → listeners. */
export async function startServer(config: ServerConfig, log: Logger): Promise<RunningServer> {
  const context = await buildContext(config, log);
  const { bus, dispatcher } = context;

  const unsubscribeQueue = await bus.subscribe(QUEUE_CHANNEL, () => void dispatcher.dispatch());
  const dispatchTimer = setInterval(() => void dispatcher.dispatch(true), config.dispatchIntervalMs);
  const stopMonitor = startLivenessMonitor(context);
  const stopRetention = startMetricsRetention(context);
  const stopSettlement = context.payments ? startPaymentSettlement({ ...context, payments: context.payments }, SETTLEMENT_PERIOD_MS) : () => undefined;

  const rest = restRoutes(context);
  const serveRest = (req: NodeRequest, res: NodeResponse) => void rest.serve(req, res, (error) => log.error({ err: error, url: req.url }, "request failed"));
  const rpc = connectNodeAdapter({
    // Larger messages (a graph is kilobytes; datasets travel as artifacts) are refused with RESOURCE_EXHAUSTED.
    readMaxBytes: MAX_MESSAGE_BYTES,
    // Gzip costs more CPU than it saves bandwidth on the kilobyte messages that make up nearly all
    // traffic (jobs with their graphs, assignments); only large ones (job lists, histories) pay.
    compressMinBytes: COMPRESS_MIN_BYTES,
    routes: rpcRoutes(context),
    ...rpcRouterOptions(context),
    fallback: serveRest,
  });
  // Every request gets an id (the caller's x-request-id if it sent a sane one), echoed in the
  // response and carried by every log line written while serving it.
  const withCors = (handler: (req: NodeRequest, res: NodeResponse) => void) => (req: NodeRequest, res: NodeResponse) => {
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    res.setHeader("x-request-id", requestId);
    const started = performance.now();
    res.once("finish", () => log.debug({ requestId, method: req.method, url: req.url, status: res.statusCode, ms: Math.round(performance.now() - started) }, "request"));
    requestContext.run({ requestId }, () => {
      if (!applyCors(req, res)) handler(req, res);
    });
  };

  const rpcServer = dualProtocolServer(withCors(rpc));
  const httpServer = http.createServer(withCors(serveRest));
  const sockets = await attachSocketRooms([rpcServer.h1, httpServer], context);
  const rpcSockets = trackSockets(rpcServer);
  const httpSockets = trackSockets(httpServer);
  const rpcPort = await listen(rpcServer, config.rpcPort, config.host);
  const httpPort = await listen(httpServer, config.httpPort, config.host);
  const local = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;

  return {
    rpcUrl: `http://${local}:${rpcPort}`,
    httpUrl: `http://${local}:${httpPort}`,
    context,
    async close() {
      clearInterval(dispatchTimer);
      stopMonitor();
      stopRetention();
      stopSettlement();
      unsubscribeQueue();
      await sockets.close();
      await Promise.all([closeServer(rpcServer, rpcSockets, 3000), closeServer(httpServer, httpSockets, 3000)]);
      await context.close();
    },
  };
}
