import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("lets a key make its limit of requests a minute, then says when to retry", () => {
    let now = 60_000 * 10 + 45_000;
    const limiter = new RateLimiter(() => now);
    expect(limiter.take("k", 2)).toEqual({ ok: true });
    expect(limiter.take("k", 2)).toEqual({ ok: true });
    expect(limiter.take("k", 2)).toEqual({ ok: false, retryAfterSeconds: 15 });
    now += 15_000;
    expect(limiter.take("k", 2)).toEqual({ ok: true });
  });

  it("counts each key on its own", () => {
    const limiter = new RateLimiter(() => 0);
    expect(limiter.take("a", 1)).toEqual({ ok: true });
    expect(limiter.take("b", 1)).toEqual({ ok: true });
    expect(limiter.take("a", 1).ok).toBe(false);
  });
});
