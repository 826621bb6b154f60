/** Pauses a training loop between batches: the loop awaits wait(), which holds while paused. */
export class PauseController {
  private waiters: (() => void)[] = [];
  private readonly listeners = new Set<(paused: boolean) => void>();
  paused = false;

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.listeners.forEach((l) => l(true));
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const waiting = this.waiters;
    this.waiters = [];
    waiting.forEach((w) => w());
    this.listeners.forEach((l) => l(false));
  }

  /** Resolves once resumed, or at once when not paused; also when `signal` aborts, so a paused run can still be stopped. */
  wait(signal?: AbortSignal): Promise<void> {
    if (!this.paused || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener("abort", done);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  onChange(listener: (paused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
