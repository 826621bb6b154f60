import type { ArtifactStore } from "./artifacts/store";
import type { TokenService } from "./auth/tokens";
import type { ServerConfig } from "./config";
import type { DatasetCatalog } from "./datasets/catalog";
import type { Database } from "./db/database";
import type { EventBus } from "./events/bus";
import type { JobStore } from "./jobs/job-store";
import type { Logger } from "./log";
import type { NodeStore } from "./nodes/node-store";
import type { Dispatcher } from "./scheduler/dispatcher";
import type { GraphStore } from "./graphs/graph-store";
import type { ServerMetrics } from "./ops/metrics";
import type { UserStore } from "./users/user-store";
import type { DeploymentStore } from "./inference/deployment-store";
import type { RateLimiter } from "./inference/rate-limit";
import type { HotState } from "./cache/hot-state";

/** What handlers need, built once by app.ts. */
import type { Payments } from "./payments/payments";

export interface ServerContext {
  config: ServerConfig;
  db: Database;
  jobs: JobStore;
  nodes: NodeStore;
  users: UserStore;
  deployments: DeploymentStore;
  datasets: DatasetCatalog;
  graphs: GraphStore;
  artifacts: ArtifactStore;
  bus: EventBus;
  /** API keys' requests per minute, counted across instances when Redis is configured. */
  rateLimiter: RateLimiter;
  /** Running jobs' latest progress and nodes' latest samples, shared by every instance when Redis is configured. */
  hotState: HotState;
  tokens: TokenService;
  dispatcher: Dispatcher;
  /** The chain, the escrow and its ledger (docs/PAYMENTS.md); null when payments are off. */
  payments: Payments | null;
  log: Logger;
  metrics: ServerMetrics;
  startedAt: Date;
  /** Closes what the context opened (the bus, the hot state, the rate limiter's store, the database), after the listeners have stopped. */
  close(): Promise<void>;
}
