import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { EMBEDDED_ONLY, REDIS_URL } from "../../tests/helpers/databases";
import { memoryRateLimiter, redisRateLimiter, type RateLimiter } from "./rate-limit";

const kinds = EMBEDDED_ONLY ? ["memory"] : ["memory", "redis"];

describe.each(kinds)("the %s rate limiter", (kind) => {
  let limiters: RateLimiter[] = [];
  afterEach(async () => {
    await Promise.all(limiters.map((l) => l.close()));
    limiters = [];
  });
  /** Limiters that share their counts (two server instances on one Redis; the same object in memory). */
  async function shared(now: () => number): Promise<[RateLimiter, RateLimiter]> {
    if (kind === "memory") {
      const limiter = memoryRateLimiter(now);
      limiters.push(limiter);
      return [limiter, limiter];
    }
    const prefix = `test-${randomBytes(4).toString("hex")}:`;
    limiters.push(await redisRateLimiter(REDIS_URL, prefix, now), await redisRateLimiter(REDIS_URL, prefix, now));
    return limiters as [RateLimiter, RateLimiter];
  }

  it("lets a key make its limit of requests a minute, then says when to retry", async () => {
    let now = 60_000 * 10 + 45_000;
    const [limiter] = await shared(() => now);
    expect(await limiter.take("k", 2)).toEqual({ ok: true });
    expect(await limiter.take("k", 2)).toEqual({ ok: true });
    expect(await limiter.take("k", 2)).toEqual({ ok: false, retryAfterSeconds: 15 });
    now += 15_000;
    expect(await limiter.take("k", 2)).toEqual({ ok: true });
  });

  it("counts each key on its own", async () => {
    const [limiter] = await shared(() => 0);
    expect(await limiter.take("a", 1)).toEqual({ ok: true });
    expect(await limiter.take("b", 1)).toEqual({ ok: true });
    expect((await limiter.take("a", 1)).ok).toBe(false);
  });

  it("gives a key its limit once across instances, not once at each", async () => {
    const [a, b] = await shared(() => 0);
    expect(await a.take("k", 2)).toEqual({ ok: true });
    expect(await b.take("k", 2)).toEqual({ ok: true });
    expect((await a.take("k", 2)).ok).toBe(false);
    expect((await b.take("k", 2)).ok).toBe(false);
  });
});
