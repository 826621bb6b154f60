import { describe, expect, it } from "vitest";
import { PauseController } from "./pause";

const settled = async (promise: Promise<void>) => Promise.race([promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20))]);

describe("PauseController", () => {
  it("lets a loop through at once while not paused", async () => {
    expect(await settled(new PauseController().wait())).toBe(true);
  });

  it("holds a paused loop until it is resumed", async () => {
    const pause = new PauseController();
    pause.pause();
    const waiting = pause.wait();
    expect(await settled(waiting)).toBe(false);
    pause.resume();
    expect(await settled(waiting)).toBe(true);
  });

  it("releases a paused loop when its run is stopped, so stopping never waits for a resume", async () => {
    const pause = new PauseController();
    const stop = new AbortController();
    pause.pause();
    const waiting = pause.wait(stop.signal);
    stop.abort();
    expect(await settled(waiting)).toBe(true);
    expect(pause.paused).toBe(true);
  });
});
