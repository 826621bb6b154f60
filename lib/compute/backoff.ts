import { Code, ConnectError } from "@connectrpc/connect";
import { ServerUnavailable } from "./artifacts-client";

/** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s … capped, so that reconnecting nodes do not stampede. */
export function backoffDelay(attempt: number, baseMs = 500, capMs = 30_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** Whether the server was unreachable or failing, rather than refusing: worth another try. */
export function isTransient(error: unknown): boolean {
  if (error instanceof ServerUnavailable) return true;
  return error instanceof ConnectError && [Code.Unavailable, Code.Unknown, Code.Internal, Code.DeadlineExceeded, Code.Aborted].includes(error.code);
}

/**
 * Runs fn until it succeeds, retrying with backoff while the server is unreachable (for up to
 * maxMs); a refusal, or the signal, ends it at once. So a node that finished training while the
 * server was restarting hands its result in when the server is back.
 */
export async function retryWhileUnavailable<T>(fn: () => Promise<T>, options: { signal: AbortSignal; maxMs: number; onRetry: (error: unknown) => void }): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isTransient(error) || options.signal.aborted || Date.now() - started > options.maxMs) throw error;
      options.onRetry(error);
      await sleep(backoffDelay(attempt, 500, 10_000), options.signal);
    }
  }
}
