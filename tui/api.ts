import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { z } from "zod";
import { JobSchema, type Job } from "../gen/cyxwiz/v1/job_pb";
import { schedulerStatusSchema, type SchedulerStatus } from "../lib/wire/rest";

/** How many of the newest jobs the dashboard asks for: more than a terminal shows, few enough to poll every 2 s. */
export const JOBS_LISTED = 50;
const REQUEST_TIMEOUT_MS = 5000;

const nodeSchema = z.object({
  id: z.string(),
  name: z.string(),
  runtime: z.string(),
  status: z.string(),
  online: z.boolean(),
  backend: z.string(),
  computeScore: z.number(),
  reputation: z.number(),
  lastSeen: z.string(),
  /** The latest heartbeat sample of an online node (null when offline or none yet). */
  live: z.object({ cpuUsage: z.number().nullable(), samplesPerSecond: z.number().nullable() }).nullable().default(null),
});
export type NodeInfo = z.infer<typeof nodeSchema>;

const logSchema = z.object({ id: z.string(), level: z.string(), message: z.string(), time: z.string() });
export type LogRecord = z.infer<typeof logSchema>;

const nodesSchema = z.object({ nodes: z.array(nodeSchema) });
// Jobs are the wire contract's Job in proto3 JSON: fromJson reads them back (defaults, enums, timestamps).
const jobsSchema = z.object({ jobs: z.array(z.json()) });
const detailSchema = z.object({ job: z.json(), logs: z.array(logSchema) });

/** What one poll sees of the network. */
export interface Overview {
  /** When the answers arrived (ms since the epoch). */
  at: number;
  scheduler: SchedulerStatus;
  nodes: NodeInfo[];
  /** The newest jobs first. */
  jobs: Job[];
}

export interface JobDetail {
  job: Job;
  /** The job's latest log lines, oldest first. */
  logs: LogRecord[];
}

/** The server answered, but not with what the dashboard can show. */
export class ServerError extends Error {}

export async function fetchOverview(server: string, signal: AbortSignal): Promise<Overview> {
  const [scheduler, nodes, jobs] = await Promise.all([
    getJson(server, "/api/v1/scheduler", schedulerStatusSchema, signal),
    getJson(server, "/api/v1/nodes", nodesSchema, signal),
    getJson(server, `/api/v1/jobs?limit=${JOBS_LISTED}`, jobsSchema, signal),
  ]);
  return { at: Date.now(), scheduler, nodes: nodes.nodes, jobs: jobs.jobs.map(readJob) };
}

export async function fetchJobDetail(server: string, jobId: string, signal: AbortSignal): Promise<JobDetail> {
  const detail = await getJson(server, `/api/v1/jobs/${encodeURIComponent(jobId)}`, detailSchema, signal);
  return { job: readJob(detail.job), logs: detail.logs };
}

/** A failed poll in a few words for the status line. */
export function describeFailure(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  // fetch hides the socket's reason (ECONNREFUSED, ENOTFOUND…) in its cause.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (error instanceof TypeError && cause) return typeof cause.code === "string" ? cause.code : String(cause.message);
  return error instanceof Error ? error.message : String(error);
}

function readJob(json: JsonValue): Job {
  return fromJson(JobSchema, json, { ignoreUnknownFields: true });
}

async function getJson<T>(server: string, path: string, schema: z.ZodType<T>, signal: AbortSignal): Promise<T> {
  // Jobs are private to their owners: with an API key the dashboard shows its user's as well as the public ones.
  const apiKey = process.env.CYXWIZ_API_KEY;
  const response = await fetch(server + path, {
    headers: { accept: "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
  });
  if (!response.ok) {
    const body = await response.text().catch(() => "");
    throw new ServerError(`GET ${path}: HTTP ${response.status}${body ? ` ${body.slice(0, 200)}` : ""}`);
  }
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ServerError(`GET ${path}: unexpected answer (${issue?.path.join(".") || "body"}: ${issue?.message})`);
  }
  return parsed.data;
}
