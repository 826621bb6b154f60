import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { EMBEDDED_ONLY, REDIS_URL } from "../../tests/helpers/databases";
import { memoryBus, type EventBus } from "./bus";
import { redisBus } from "./redis-bus";

const kinds = EMBEDDED_ONLY ? ["memory"] : ["memory", "redis"];

/** Two handles on one bus: for Redis two connections (two server instances), for memory the same bus. */
async function pair(kind: string): Promise<[EventBus, EventBus]> {
  if (kind === "memory") {
    const bus = memoryBus();
    return [bus, bus];
  }
  const prefix = `test-${randomBytes(4).toString("hex")}:`;
  return [await redisBus(REDIS_URL, prefix), await redisBus(REDIS_URL, prefix)];
}

/** Subscribes and waits until the subscription is live; `event` settles with the next event. */
async function nextEvent(bus: EventBus, channel: string): Promise<{ event: Promise<unknown> }> {
  let resolve: (event: unknown) => void = () => undefined;
  const event = new Promise<unknown>((r) => (resolve = r));
  await bus.subscribe(channel, resolve);
  return { event };
}

describe.each(kinds)("the %s event bus", (kind) => {
  let buses: EventBus[] = [];
  afterEach(async () => {
    await Promise.all([...new Set(buses)].map((b) => b.close()));
    buses = [];
  });

  it("delivers an event to a subscriber of the channel on another handle", async () => {
    const [a, b] = await pair(kind);
    buses = [a, b];
    let received: unknown;
    await b.subscribe("job:1", (e) => (received = e));
    await a.publish("job:1", { progress: 0.5 });
    await expect.poll(() => received).toEqual({ progress: 0.5 });
  });

  it("does not deliver events of other channels, nor after unsubscribing", async () => {
    const [a, b] = await pair(kind);
    buses = [a, b];
    const seen: unknown[] = [];
    const unsubscribe = await b.subscribe("job:2", (e) => seen.push(e));
    await a.publish("job:3", "other");
    await a.publish("job:2", "first");
    await expect.poll(() => seen).toEqual(["first"]);
    unsubscribe();
    await a.publish("job:2", "late");
    const marker = await nextEvent(b, "job:marker");
    await a.publish("job:marker", "done");
    await marker.event;
    expect(seen).toEqual(["first"]);
  });

  it("shows its taps each event published through it, once, and not the events of other handles", async () => {
    const [a, b] = await pair(kind);
    buses = [a, b];
    const tapped: [string, unknown][] = [];
    const untap = a.tap((channel, event) => tapped.push([channel, event]));
    await a.publish("job:4", { progress: 0.25 });
    if (b !== a) {
      const marker = await nextEvent(a, "job:marker");
      await b.publish("job:4", { progress: 0.5 });
      await b.publish("job:marker", "done");
      await marker.event;
    }
    untap();
    await a.publish("job:4", { progress: 0.75 });
    expect(tapped).toEqual([["job:4", { progress: 0.25 }]]);
  });
});
