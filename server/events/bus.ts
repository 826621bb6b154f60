import { EventEmitter } from "node:events";

export type Unsubscribe = () => void;
export type Tap = (channel: string, event: unknown) => void;

/**
 * Fan-out of job and node events. Published once, delivered to every subscriber of the channel
 * in every server instance (the Redis bus) or in this process (the memory bus).
 */
export interface EventBus {
  kind: "memory" | "redis";
  publish(channel: string, event: unknown): Promise<void>;
  subscribe(channel: string, handler: (event: unknown) => void): Promise<Unsubscribe>;
  /**
   * Sees every event published through this instance, once, as it is published (subscribers see
   * every instance's). The socket.io rooms hang here: the Redis adapter takes each event to the
   * sockets of every instance, so forwarding what arrives from Redis would deliver it twice.
   */
  tap(listener: Tap): Unsubscribe;
  close(): Promise<void>;
}

/** The taps of one bus: tap() for the interface, notify() from publish. */
export function taps(): { tap(listener: Tap): Unsubscribe; notify(channel: string, event: unknown): void } {
  const listeners = new Set<Tap>();
  return {
    tap(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    notify(channel, event) {
      for (const listener of listeners) listener(channel, event);
    },
  };
}

export function memoryBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const tapped = taps();
  return {
    kind: "memory",
    async publish(channel, event) {
      // Serialise like Redis does, so that no subscriber can mutate what another receives.
      const copy = JSON.parse(JSON.stringify(event)) as unknown;
      emitter.emit(channel, copy);
      tapped.notify(channel, copy);
    },
    tap: tapped.tap,
    async subscribe(channel, handler) {
      emitter.on(channel, handler);
      return () => emitter.off(channel, handler);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}
