/**
 * Requests per key per minute, in fixed one-minute windows. Per server instance: behind several
 * instances a key gets up to its limit at each (Redis-backed counting would make it global).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts a request; when over the limit, the seconds until the window turns. */
  take(key: string, perMinute: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const start = now - (now % 60_000);
    const window = this.windows.get(key);
    if (!window || window.start !== start) {
      this.windows.set(key, { start, count: 1 });
      if (this.windows.size > 10_000) this.forgetOld(start);
      return { ok: true };
    }
    if (window.count >= perMinute) return { ok: false, retryAfterSeconds: Math.ceil((start + 60_000 - now) / 1000) };
    window.count++;
    return { ok: true };
  }

  private forgetOld(current: number): void {
    for (const [key, window] of this.windows) if (window.start !== current) this.windows.delete(key);
  }
}
