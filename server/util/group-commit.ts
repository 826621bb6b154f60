/**
 * Group commit: calls that arrive while writes are under way wait and are written together in
 * the next batch. A call alone is written at once (no added latency); under load the database
 * sees one statement per batch instead of one per call. Up to `writers` batches are written at
 * a time, so that one slow statement (a row lock, a checkpoint) does not hold up every call
 * behind it. `write` answers each item, in order.
 */
export function groupCommit<I, O>(write: (items: I[]) => Promise<O[]>, options: { maxBatch?: number; writers?: number } = {}): (item: I) => Promise<O> {
  const { maxBatch = 1000, writers = 1 } = options;
  let waiting: { item: I; resolve: (out: O) => void; reject: (error: unknown) => void }[] = [];
  let busy = 0;
  const drain = async () => {
    busy++;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      try {
        const results = await write(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(results[i] as O));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    busy--;
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (busy < writers) void drain();
    });
}
