import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { progressReporter } from "./job-attempt";
import { backoffDelay } from "./backoff";

const report = (progress: number) => ({ jobId: "j", progress });

describe("progressReporter", () => {
  it("drops intermediate reports while one is in flight but never an epoch end", async () => {
    const sent: number[] = [];
    let started: () => void = () => undefined;
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    let release: () => void = () => undefined;
    const reporter = progressReporter(async (r) => {
      sent.push(r.progress as number);
      if (sent.length === 1) {
        started();
        await new Promise<void>((resolve) => (release = resolve));
      }
      return { cancel: false };
    }, new AbortController());
    void reporter.send(report(0.1), false);
    await firstStarted;
    void reporter.send(report(0.2), false);
    void reporter.send(report(0.5), true);
    release();
    await reporter.flush();
    expect(sent).toEqual([0.1, 0.5]);
  });

  it("aborts training when the server answers cancel", async () => {
    const abort = new AbortController();
    const reporter = progressReporter(async () => ({ cancel: true }), abort);
    await reporter.send(report(0.1), true);
    expect(abort.signal.aborted).toBe(true);
  });

  it("aborts training when the job is no longer this node's", async () => {
    const abort = new AbortController();
    const reporter = progressReporter(async () => {
      throw new ConnectError("not yours", Code.PermissionDenied);
    }, abort);
    await reporter.send(report(0.1), true);
    expect(abort.signal.aborted).toBe(true);
  });
});

describe("backoffDelay", () => {
  it("doubles per attempt up to the cap, with jitter in the upper half", () => {
    expect(backoffDelay(0, 500, 30_000, () => 0)).toBe(250);
    expect(backoffDelay(3, 500, 30_000, () => 1)).toBe(4000);
    expect(backoffDelay(20, 500, 30_000, () => 1)).toBe(30_000);
  });
});
