import { Redis } from "ioredis";
import { taps, type EventBus } from "./bus";

/**
 * Redis pub/sub: one connection publishes, one subscribes; channels are subscribed on Redis
 * while at least one local handler wants them. prefix keeps deployments (and test runs) apart.
 */
export async function redisBus(url: string, prefix = "cyxwiz:"): Promise<EventBus> {
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await Promise.all([pub.connect(), sub.connect()]);
  const handlers = new Map<string, Set<(event: unknown) => void>>();
  // Resolves once Redis has confirmed the channel's subscription; later local subscribers wait for it too.
  const subscribed = new Map<string, Promise<unknown>>();
  sub.on("message", (channel: string, message: string) => {
    const local = handlers.get(channel.slice(prefix.length));
    if (!local) return;
    const event = JSON.parse(message) as unknown;
    for (const handler of local) handler(event);
  });
  const tapped = taps();
  return {
    kind: "redis",
    async publish(channel, event) {
      const message = JSON.stringify(event);
      await pub.publish(prefix + channel, message);
      tapped.notify(channel, JSON.parse(message) as unknown);
    },
    tap: tapped.tap,
    async subscribe(channel, handler) {
      let local = handlers.get(channel);
      if (!local) {
        local = new Set();
        handlers.set(channel, local);
        subscribed.set(channel, sub.subscribe(prefix + channel));
      }
      local.add(handler);
      await subscribed.get(channel);
      return () => {
        local.delete(handler);
        if (local.size === 0 && handlers.get(channel) === local) {
          handlers.delete(channel);
          subscribed.delete(channel);
          void sub.unsubscribe(prefix + channel).catch(() => undefined);
        }
      };
    },
    async close() {
      handlers.clear();
      subscribed.clear();
      await Promise.all([pub.quit(), sub.quit()]);
    },
  };
}
