import { describe, expect, it } from "vitest";
import { AsyncQueue } from "./async-queue";

describe("AsyncQueue", () => {
  it("yields pushed items in order, including ones pushed while waiting", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    setTimeout(() => {
      queue.push(2);
      queue.close();
    }, 10);
    const seen: number[] = [];
    for await (const item of queue.drain()) seen.push(item);
    expect(seen).toEqual([1, 2]);
  });

  it("ends when the signal aborts and refuses later pushes", async () => {
    const queue = new AsyncQueue<number>();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    for await (const _ of queue.drain(controller.signal)) throw new Error("nothing was pushed");
    expect(queue.push(3)).toBe(false);
  });
});
