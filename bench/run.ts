import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `npm run bench` runs every benchmark; `npm run bench -- NAME` runs one. Each writes
 * bench/results/NAME.json with its own numbers and the reference it was compared against,
 * measured in the same run (these machines are shared and noisy).
 */
export interface Benchmark {
  name: string;
  description: string;
  run(log: (line: string) => void): Promise<Record<string, unknown>>;
}

const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  e2e: async () => (await import("./e2e")).e2eBenchmark,
  editor: async () => (await import("./editor")).editorBenchmark,
  training: async () => (await import("./training")).trainingBenchmark,
  scheduler: async () => (await import("./scheduler")).schedulerBenchmark,
  uploads: async () => (await import("./uploads")).uploadsBenchmark,
};

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");

async function main(names: string[]): Promise<void> {
  const unknown = names.filter((n) => !BENCHMARKS[n]);
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(", ")}; available: ${Object.keys(BENCHMARKS).join(", ")}`);
    process.exit(1);
  }
  await mkdir(RESULTS, { recursive: true });
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
    const bench = await (BENCHMARKS[name] as () => Promise<Benchmark>)();
    console.log(`▶ ${bench.name}: ${bench.description}`);
    const started = new Date();
    const result = await bench.run((line) => console.log(`  ${line}`));
    const file = path.join(RESULTS, `${bench.name}.json`);
    const record = {
      benchmark: bench.name,
      description: bench.description,
      date: started.toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryBytes: os.totalmem(), node: process.version, platform: `${os.platform()} ${os.arch()}` },
      ...result,
    };
    await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`  → ${path.relative(process.cwd(), file)}`);
  }
  process.exit(0);
}

await main(process.argv.slice(2));
