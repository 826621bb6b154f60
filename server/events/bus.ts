import { EventEmitter } from "node:events";

export type Unsubscribe = () => void;

/**
 * Fan-out of job and node events. Published once, delivered to every subscriber of the channel
 * in every server instance (the Redis bus) or in this process (the memory bus).
 */
export interface EventBus {
  kind: "memory" | "redis";
  publish(channel: string, event: unknown): Promise<void>;
  subscribe(channel: string, handler: (event: unknown) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

export function memoryBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    kind: "memory",
    async publish(channel, event) {
      // Serialise like Redis does, so that no subscriber can mutate what another receives.
      const copy = JSON.parse(JSON.stringify(event)) as unknown;
      emitter.emit(channel, copy);
    },
    async subscribe(channel, handler) {
      emitter.on(channel, handler);
      return () => emitter.off(channel, handler);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}
