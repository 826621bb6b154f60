import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? (sorted[Math.floor(mid)] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Percentile (nearest rank) of the values, in the values' unit, rounded to 0.1; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round1(sorted[index] as number);
}

export const round1 = (value: number) => Math.round(value * 10) / 10;

/** The resident set of a process, in MiB, from /proc (Linux); NaN elsewhere. */
export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds (user + system) a process has used, from /proc; NaN elsewhere. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds used by every process named `postgres` (the local PostgreSQL server's backends); NaN without /proc. */
export function postgresCpuSeconds(): number {
  let total = 0;
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        if (!stat.includes("(postgres)")) continue;
        const fields = stat.split(") ")[1]?.split(" ") ?? [];
        total += (Number(fields[11]) + Number(fields[12])) / 100;
      } catch {
        // the process ended
      }
    }
  } catch {
    return Number.NaN;
  }
  return total;
}

/** Busy and total CPU time of the whole machine (ms, summed over cores). */
export function machineCpu(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/**
 * CPU use over an interval: the server process's (as a share of one core) and the machine's
 * (share of all cores: server, PostgreSQL and this load generator together).
 */
export class CpuMeter {
  private readonly start = { wall: performance.now(), server: 0, postgres: postgresCpuSeconds(), machine: machineCpu(), self: process.cpuUsage() };

  /** The server's processes (one per instance). */
  constructor(private readonly serverPids: number[]) {
    this.start.server = this.serverSeconds();
  }

  private serverSeconds(): number {
    return this.serverPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  }

  read(): { server_cpu_core_share: number; postgres_cpu_core_share: number; load_generator_cpu_core_share: number; machine_cpu_busy_share: number } {
    const seconds = (performance.now() - this.start.wall) / 1000;
    const machine = machineCpu();
    const self = process.cpuUsage(this.start.self);
    return {
      server_cpu_core_share: round2((this.serverSeconds() - this.start.server) / seconds),
      // Backends that exit (the pool closing idle connections) take their CPU time with them, so
      // this is a lower bound, and 0 when more left than was spent.
      postgres_cpu_core_share: Math.max(0, round2((postgresCpuSeconds() - this.start.postgres) / seconds)),
      load_generator_cpu_core_share: round2((self.user + self.system) / 1e6 / seconds),
      machine_cpu_busy_share: round2((machine.busy - this.start.machine.busy) / Math.max(1, machine.total - this.start.machine.total)),
    };
  }
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Runs `task` over `items` with at most `concurrency` at a time; stops starting new ones after `deadline` (performance.now()). */
export async function pool<T>(items: T[], concurrency: number, task: (item: T, index: number) => Promise<void>, deadline = Number.POSITIVE_INFINITY): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length && performance.now() < deadline) {
      const index = next++;
      await task(items[index] as T, index);
    }
  });
  await Promise.all(workers);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
