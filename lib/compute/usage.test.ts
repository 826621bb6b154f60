import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { dutyCycle, UsageControl } from "./usage";

describe("dutyCycle", () => {
  it("splits each period by the share of time the volunteer lends", () => {
    expect(dutyCycle(0.25, 2000)).toEqual({ onMs: 500, offMs: 1500 });
    expect(dutyCycle(1, 2000)).toEqual({ onMs: 2000, offMs: 0 });
  });

  it("never lets the share fall below a tenth (the job would stall)", () => {
    expect(dutyCycle(0, 2000)).toEqual({ onMs: 200, offMs: 1800 });
  });
});

describe("UsageControl", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("holds training while the volunteer pauses, and lets it go on resume", () => {
    const usage = new UsageControl();
    usage.trainingStarted();
    usage.setPaused(true);
    expect(usage.pause.paused).toBe(true);
    usage.setPaused(false);
    expect(usage.pause.paused).toBe(false);
  });

  it("alternates training and rest in the lent share of each period", () => {
    const usage = new UsageControl(1000);
    usage.setShare(0.3);
    usage.trainingStarted();
    const pausedAt = (ms: number) => {
      vi.advanceTimersByTime(ms);
      return usage.pause.paused;
    };
    expect(usage.pause.paused).toBe(false);
    expect(pausedAt(299)).toBe(false);
    expect(pausedAt(1)).toBe(true);
    expect(pausedAt(699)).toBe(true);
    expect(pausedAt(1)).toBe(false);
  });

  it("stays paused through the rest periods while the volunteer pauses", () => {
    const usage = new UsageControl(1000);
    usage.setShare(0.5);
    usage.trainingStarted();
    usage.setPaused(true);
    for (let i = 0; i < 6; i++) {
      vi.advanceTimersByTime(250);
      expect(usage.pause.paused).toBe(true);
    }
  });

  it("holds a job its owner paused until resumed, whatever the volunteer does", () => {
    const usage = new UsageControl();
    usage.trainingStarted();
    usage.setJobHeld(true);
    usage.setPaused(false);
    expect(usage.pause.paused).toBe(true);
    usage.setJobHeld(false);
    expect(usage.pause.paused).toBe(false);
  });

  it("stops throttling when training ends", () => {
    const usage = new UsageControl(1000);
    usage.setShare(0.2);
    usage.trainingStarted();
    vi.advanceTimersByTime(500);
    expect(usage.pause.paused).toBe(true);
    usage.trainingEnded();
    expect(usage.pause.paused).toBe(false);
    vi.advanceTimersByTime(5000);
    expect(usage.pause.paused).toBe(false);
  });

  it("counts only the time training ran as contributed", () => {
    const usage = new UsageControl(1000);
    usage.setShare(0.5);
    usage.trainingStarted();
    vi.advanceTimersByTime(4000);
    usage.setPaused(true);
    vi.advanceTimersByTime(10_000);
    usage.trainingEnded();
    expect(usage.trainingMs).toBe(2000);
  });
});
