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

  wait(): Promise<void> {
    return this.paused ? new Promise((resolve) => this.waiters.push(resolve)) : Promise.resolve();
  }

  onChange(listener: (paused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
