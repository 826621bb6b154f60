import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cpuUsageBetween, hostMetricsSampler, parseNvidiaSmi } from "./host-metrics";

const cpu = (busy: number, idle: number): os.CpuInfo => ({ model: "x", speed: 1, times: { user: busy, nice: 0, sys: 0, irq: 0, idle } });

describe("host metrics", () => {
  it("reads every GPU from nvidia-smi's CSV, in bytes and fractions", () => {
    expect(parseNvidiaSmi("45, 1024, 81559\n100, 81000, 81559\n")).toEqual([
      { utilization: 0.45, memoryUsedBytes: 1024 * 1024 ** 2, memoryTotalBytes: 81559 * 1024 ** 2 },
      { utilization: 1, memoryUsedBytes: 81000 * 1024 ** 2, memoryTotalBytes: 81559 * 1024 ** 2 },
    ]);
  });

  it("skips lines nvidia-smi marks as not available", () => {
    expect(parseNvidiaSmi("[N/A], 10, 100\n\n")).toEqual([]);
  });

  it("measures CPU usage as the busy share of all cores between samples", () => {
    expect(cpuUsageBetween([cpu(100, 100), cpu(100, 100)], [cpu(175, 125), cpu(100, 200)])).toBeCloseTo(75 / 200);
    expect(cpuUsageBetween([cpu(0, 0)], [cpu(0, 0)])).toBe(0);
  });

  it("samples the machine without a GPU where there is no nvidia-smi", async () => {
    const sample = await hostMetricsSampler("/nonexistent/nvidia-smi")();
    expect(sample.memoryUsed).toBeGreaterThan(0);
    expect(sample.memoryUsed).toBeLessThanOrEqual(os.totalmem());
    expect(sample).toMatchObject({ gpuUsage: 0, gpuMemoryUsed: 0, gpuMemoryTotal: 0 });
  });

  it("reports the GPUs nvidia-smi lists", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-smi-"));
    try {
      const fake = path.join(dir, "nvidia-smi");
      await writeFile(fake, "#!/bin/sh\necho '50, 2048, 8192'\necho '30, 1024, 8192'\n");
      await chmod(fake, 0o755);
      const sample = await hostMetricsSampler(fake)();
      expect(sample.gpuUsage).toBeCloseTo(0.4);
      expect(sample).toMatchObject({ gpuMemoryUsed: 3072 * 1024 ** 2, gpuMemoryTotal: 16384 * 1024 ** 2 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
