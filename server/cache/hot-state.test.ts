import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { EMBEDDED_ONLY, REDIS_URL } from "../../tests/helpers/databases";
import { memoryHotState, redisHotState, type HotState, type LiveProgress } from "./hot-state";

const PROGRESS: LiveProgress = {
  nodeId: "5d7c2b8e-0000-4000-8000-000000000001",
  attempt: 1,
  progress: 0.4,
  currentEpoch: 2,
  latestMetrics: { loss: 0.5 },
  backend: "wasm",
  samplesPerSecond: 900,
  etaSeconds: 12,
  memoryBytes: 1e6,
  reportedAt: 1000,
  persistedAt: 500,
};

describe("memory hot state", () => {
  it("answers what was saved until its time to live has passed", async () => {
    let now = 0;
    const hot = memoryHotState(30, () => now);
    await hot.saveProgress("job-1", PROGRESS);
    now = 29_999;
    expect((await hot.progressOf(["job-1"])).get("job-1")).toEqual(PROGRESS);
    now = 30_000;
    expect((await hot.progressOf(["job-1"])).size).toBe(0);
  });
});

describe.skipIf(EMBEDDED_ONLY)("redis hot state", () => {
  const opened: HotState[] = [];
  const open = async (prefix: string, ttlSeconds = 30) => {
    const hot = await redisHotState(REDIS_URL, prefix, ttlSeconds, () => undefined);
    opened.push(hot);
    return hot;
  };
  const newPrefix = () => `test-${randomBytes(4).toString("hex")}:`;
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((h) => h.close()));
  });

  it("shares entries between instances on the same prefix", async () => {
    const prefix = newPrefix();
    const [a, b] = [await open(prefix), await open(prefix)];
    await b.saveProgress("job-1", PROGRESS);
    await b.saveLive("node-1", { cpuUsage: 0.5, gpuUsage: null, memoryUsed: 1e9, samplesPerSecond: 800, jobsActive: 1, at: 1000 });
    expect((await a.progressOf(["job-1", "job-2"])).get("job-1")).toEqual(PROGRESS);
    expect((await a.liveOf(["node-1"])).get("node-1")).toMatchObject({ cpuUsage: 0.5, jobsActive: 1 });
  });

  it("lets entries expire after their time to live", async () => {
    const hot = await open(newPrefix(), 1);
    await hot.saveProgress("job-1", PROGRESS);
    expect((await hot.progressOf(["job-1"])).size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await hot.progressOf(["job-1"])).size).toBe(0);
  });

  it("answers misses and drops writes, reporting the error, when Redis is gone", async () => {
    const errors: unknown[] = [];
    const hot = await redisHotState(REDIS_URL, newPrefix(), 30, (error) => errors.push(error));
    await hot.close();
    await hot.saveProgress("job-1", PROGRESS);
    expect((await hot.progressOf(["job-1"])).size).toBe(0);
    expect(errors).toHaveLength(2);
  });
});
