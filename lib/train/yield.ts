/**
 * Gives the event loop a turn (timers, incoming messages) without the 4 ms clamp of nested
 * setTimeout: setImmediate in Node, a MessageChannel round trip in browsers and workers.
 */
export function macrotask(): Promise<void> {
  if (typeof setImmediate === "function") return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Yields at most every intervalMs, so that tight loops stay fast yet responsive. */
export function periodicYield(intervalMs = 50, now: () => number = () => performance.now()) {
  let last = now();
  return async () => {
    if (now() - last < intervalMs) return;
    await macrotask();
    last = now();
  };
}
