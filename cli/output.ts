import { toJson } from "@bufbuild/protobuf";
import { JobSchema, type Job } from "../gen/cyxwiz/v1/job_pb";
import { statusLabel } from "../lib/wire/job-status";

export interface Output {
  json: boolean;
  print(line: string): void;
  error(line: string): void;
}

export function consoleOutput(json: boolean): Output {
  return { json, print: (line) => console.log(line), error: (line) => console.error(line) };
}

export function jobJson(job: Job): unknown {
  return toJson(JobSchema, job);
}

export function metricsLine(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k}=${v.toFixed(4)}`)
    .join(" ");
}

export function jobLine(job: Job): string {
  const epochs = `${job.currentEpoch}/${job.totalEpochs}`;
  const metrics = metricsLine(Object.keys(job.finalMetrics).length > 0 ? job.finalMetrics : job.latestMetrics);
  return `${job.id}  ${statusLabel(job.status).padEnd(9)} ${(job.progress * 100).toFixed(1).padStart(5)}%  epoch ${epochs}  ${metrics}${job.error ? `  error: ${job.error}` : ""}`;
}
