import { Redis } from "ioredis";

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Requests per key per minute, in fixed one-minute windows. In memory with no configuration;
 * with REDIS_URL the count lives in Redis, so a key gets its limit once across every server
 * instance, not once at each.
 */
export interface RateLimiter {
  /** Counts a request; when over the limit, the seconds until the window turns. */
  take(key: string, perMinute: number): Promise<RateDecision>;
  close(): Promise<void>;
}

const WINDOW_MS = 60_000;
const windowStart = (now: number) => now - (now % WINDOW_MS);

/** Whether the request that made the window's count `count` is allowed. */
export function decide(count: number, perMinute: number, now: number): RateDecision {
  return count <= perMinute ? { ok: true } : { ok: false, retryAfterSeconds: Math.ceil((windowStart(now) + WINDOW_MS - now) / 1000) };
}

export function memoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    async take(key, perMinute) {
      const at = now();
      const start = windowStart(at);
      let window = windows.get(key);
      if (!window || window.start !== start) {
        window = { start, count: 0 };
        windows.set(key, window);
        if (windows.size > 10_000) for (const [k, w] of windows) if (w.start !== start) windows.delete(k);
      }
      window.count++;
      return decide(window.count, perMinute, at);
    },
    async close() {},
  };
}

/** One counter per key and window in Redis (INCR, expiring with the window): shared by every instance. */
export async function redisRateLimiter(url: string, prefix: string, now: () => number = Date.now): Promise<RateLimiter> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  return {
    async take(key, perMinute) {
      const at = now();
      const counter = `${prefix}rate:${key}:${windowStart(at)}`;
      const [[, count]] = (await redis
        .multi()
        .incr(counter)
        .pexpire(counter, WINDOW_MS * 2)
        .exec()) as [[Error | null, number]];
      return decide(count, perMinute, at);
    },
    async close() {
      await redis.quit().catch(() => undefined);
    },
  };
}
