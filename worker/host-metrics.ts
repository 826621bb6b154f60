import { execFile } from "node:child_process";
import os from "node:os";
import { promisify } from "node:util";
import type { HostMetrics } from "../lib/compute/heartbeat";

const run = promisify(execFile);

export interface GpuSample {
  utilization: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
}

const NVIDIA_QUERY = ["--query-gpu=utilization.gpu,memory.used,memory.total", "--format=csv,noheader,nounits"];

/** nvidia-smi's CSV (percent, MiB, MiB per line) as one sample per GPU; malformed lines are skipped. */
export function parseNvidiaSmi(text: string): GpuSample[] {
  const gpus: GpuSample[] = [];
  for (const line of text.split("\n")) {
    const fields = line.split(",").map((f) => Number(f.trim()));
    if (fields.length !== 3 || fields.some((f) => !Number.isFinite(f))) continue;
    const [utilization, used, total] = fields as [number, number, number];
    gpus.push({ utilization: utilization / 100, memoryUsedBytes: used * 1024 ** 2, memoryTotalBytes: total * 1024 ** 2 });
  }
  return gpus;
}

/** Busy share of all cores between two os.cpus() readings. */
export function cpuUsageBetween(before: os.CpuInfo[], after: os.CpuInfo[]): number {
  let busy = 0;
  let total = 0;
  after.forEach((cpu, i) => {
    const prev = before[i];
    if (!prev) return;
    const spent = (t: os.CpuInfo["times"]) => t.user + t.nice + t.sys + t.irq + t.idle;
    const elapsed = spent(cpu.times) - spent(prev.times);
    busy += elapsed - (cpu.times.idle - prev.times.idle);
    total += elapsed;
  });
  return total > 0 ? Math.min(1, Math.max(0, busy / total)) : 0;
}

/**
 * Samples this machine's CPU (since the previous sample), memory and, where nvidia-smi exists,
 * its GPUs. A machine without nvidia-smi is asked once; a failing query is retried next time.
 */
export function hostMetricsSampler(nvidiaSmi = "nvidia-smi"): () => Promise<HostMetrics> {
  let previous = os.cpus();
  let hasNvidiaSmi = true;
  return async () => {
    const now = os.cpus();
    const cpuUsage = cpuUsageBetween(previous, now);
    previous = now;
    let gpus: GpuSample[] = [];
    if (hasNvidiaSmi) {
      try {
        gpus = parseNvidiaSmi((await run(nvidiaSmi, NVIDIA_QUERY, { timeout: 5000 })).stdout);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") hasNvidiaSmi = false;
      }
    }
    return {
      cpuUsage,
      memoryUsed: os.totalmem() - os.freemem(),
      gpuUsage: gpus.length > 0 ? gpus.reduce((sum, g) => sum + g.utilization, 0) / gpus.length : 0,
      gpuMemoryUsed: gpus.reduce((sum, g) => sum + g.memoryUsedBytes, 0),
      gpuMemoryTotal: gpus.reduce((sum, g) => sum + g.memoryTotalBytes, 0),
    };
  };
}
