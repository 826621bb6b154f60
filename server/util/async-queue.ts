/**
 * A push-to-pull bridge: event handlers push, one consumer iterates. Iteration ends when the
 * queue is closed or the signal aborts (the client went away).
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private wake?: () => void;
  private closed = false;

  push(item: T): boolean {
    if (this.closed) return false;
    this.items.push(item);
    this.wake?.();
    return true;
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async *drain(signal?: AbortSignal): AsyncGenerator<T> {
    const onAbort = () => this.close();
    signal?.addEventListener("abort", onAbort);
    try {
      while (true) {
        const item = this.items.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (this.closed || signal?.aborted) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.close();
    }
  }
}
