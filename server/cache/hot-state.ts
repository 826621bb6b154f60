import { Redis } from "ioredis";

/**
 * A running job's latest progress as its holder reported it: fresher than the job's row, which
 * is written at epoch boundaries and every heartbeat period (see job-progress.ts).
 */
export interface LiveProgress {
  /** The holder that reported it: worth nothing once the row names another holder. */
  nodeId: string;
  attempt: number;
  progress: number;
  currentEpoch: number;
  latestMetrics: Record<string, number>;
  backend: string | null;
  samplesPerSecond: number;
  etaSeconds: number;
  memoryBytes: number;
  /** Epoch milliseconds: when the holder last reported, and when a report last reached PostgreSQL. */
  reportedAt: number;
  persistedAt: number;
}

/** A node's latest heartbeat sample. */
export interface NodeLive {
  cpuUsage: number | null;
  gpuUsage: number | null;
  memoryUsed: number | null;
  samplesPerSecond: number | null;
  jobsActive: number;
  /** Epoch milliseconds of the heartbeat. */
  at: number;
}

/**
 * Hot state: what changes every second and is read by every dashboard, kept beside PostgreSQL
 * (the source of truth) so reads need not wait for it and writes need not all reach it. In
 * memory with no configuration; in Redis with REDIS_URL, so every instance sees what a report
 * through any other left. Entries live `ttlSeconds` after their last write: a silent node's
 * entries vanish. A lost or flushed cache is a miss, never an error: callers fall back to
 * PostgreSQL.
 */
export interface HotState {
  readonly kind: "memory" | "redis";
  progressOf(jobIds: readonly string[]): Promise<Map<string, LiveProgress>>;
  saveProgress(jobId: string, progress: LiveProgress): Promise<void>;
  liveOf(nodeIds: readonly string[]): Promise<Map<string, NodeLive>>;
  saveLive(nodeId: string, live: NodeLive): Promise<void>;
  close(): Promise<void>;
}

/** Keys to JSON values that expire: all an implementation provides. */
interface ExpiringStore {
  kind: HotState["kind"];
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  set(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

const progressKey = (jobId: string) => `progress:${jobId}`;
const liveKey = (nodeId: string) => `live:${nodeId}`;

function hotState(store: ExpiringStore): HotState {
  const read = async <T>(ids: readonly string[], key: (id: string) => string): Promise<Map<string, T>> => {
    if (ids.length === 0) return new Map();
    const values = await store.getMany(ids.map(key));
    return new Map(ids.flatMap((id, i) => (values[i] ? [[id, JSON.parse(values[i]) as T] as const] : [])));
  };
  return {
    kind: store.kind,
    progressOf: (jobIds) => read<LiveProgress>(jobIds, progressKey),
    saveProgress: (jobId, progress) => store.set(progressKey(jobId), JSON.stringify(progress)),
    liveOf: (nodeIds) => read<NodeLive>(nodeIds, liveKey),
    saveLive: (nodeId, live) => store.set(liveKey(nodeId), JSON.stringify(live)),
    close: () => store.close(),
  };
}

export function memoryHotState(ttlSeconds: number, now: () => number = Date.now): HotState {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  let nextSweep = now() + ttlSeconds * 1000;
  return hotState({
    kind: "memory",
    async getMany(keys) {
      const at = now();
      return keys.map((key) => {
        const entry = entries.get(key);
        return entry && entry.expiresAt > at ? entry.value : null;
      });
    },
    async set(key, value) {
      const at = now();
      // Entries of jobs and nodes that went quiet are dropped here, since no timer looks for them:
      // once a time to live, not on every write (with every node live, that scan was the heartbeat's cost).
      if (at >= nextSweep) {
        nextSweep = at + ttlSeconds * 1000;
        for (const [k, e] of entries) if (e.expiresAt <= at) entries.delete(k);
      }
      entries.set(key, { value, expiresAt: at + ttlSeconds * 1000 });
    },
    async close() {
      entries.clear();
    },
  });
}

/**
 * Under `prefix` in Redis, each entry with its own expiry. A failing Redis answers misses and
 * drops writes (logged by `onError`): PostgreSQL still has everything that must last.
 */
export async function redisHotState(url: string, prefix: string, ttlSeconds: number, onError: (error: unknown) => void): Promise<HotState> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const failed =
    <T>(fallback: T) =>
    (error: unknown) => {
      onError(error);
      return fallback;
    };
  return hotState({
    kind: "redis",
    getMany: (keys) => redis.mget(keys.map((k) => prefix + k)).catch(failed(keys.map(() => null))),
    set: (key, value) => redis.set(prefix + key, value, "EX", ttlSeconds).then(() => undefined, failed(undefined)),
    async close() {
      await redis.quit().catch(() => undefined);
    },
  });
}
