/**
 * Group commit: calls that arrive while a batch is being written wait and are written together
 * in the next one. A call alone is written at once (no added latency); under load the database
 * sees one statement per batch instead of one per call. `write` answers each item, in order.
 */
export function groupCommit<I, O>(write: (items: I[]) => Promise<O[]>, maxBatch = 1000): (item: I) => Promise<O> {
  let waiting: { item: I; resolve: (out: O) => void; reject: (error: unknown) => void }[] = [];
  let writing = false;
  const drain = async () => {
    writing = true;
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
    writing = false;
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!writing) void drain();
    });
}
