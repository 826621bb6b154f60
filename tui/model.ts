import { timestampMs, type Timestamp } from "@bufbuild/protobuf/wkt";
import { JobStatus, type Job } from "../gen/cyxwiz/v1/job_pb";
import { backoffDelay } from "../lib/compute/backoff";
import type { JobDetail, Overview } from "./api";

/** Ten minutes at the default 2 s: wider than any sparkline a terminal has room for. */
export const HISTORY_SAMPLES = 300;
export const LOG_LINES_KEPT = 500;
/** Jobs whose logs the pane interleaves when none is followed. */
export const AUTO_LOG_JOBS = 3;
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

/** One poll's numbers for the sparklines. */
export interface Sample {
  at: number;
  queued: number;
  running: number;
  online: number;
  assignmentsPerSecond: number;
}

export interface Connection {
  state: "connecting" | "online" | "offline";
  /** Failed polls in a row. */
  failures: number;
  error?: string;
  /** When the next try starts, while offline. */
  retryAt?: number;
  lastSuccessAt?: number;
}

export interface LogLine {
  id: string;
  jobId: string;
  level: string;
  message: string;
  time: number;
}

/** Everything the dashboard knows about the server, built only from what its polls saw. */
export interface DashboardData {
  connection: Connection;
  /** The last successful poll; kept while the server is unreachable, so the last known state stays on screen. */
  overview?: Overview;
  /** Oldest first, at most HISTORY_SAMPLES. */
  history: readonly Sample[];
  /** The jobs whose logs `logs` interleaves. */
  logJobIds: readonly string[];
  /** Oldest first, at most LOG_LINES_KEPT. */
  logs: readonly LogLine[];
}

export const initialData: DashboardData = { connection: { state: "connecting", failures: 0 }, history: [], logJobIds: [], logs: [] };

export function sampleOf(overview: Overview): Sample {
  const { queued, running, assignmentsPerSecond } = overview.scheduler;
  return {
    at: overview.at,
    queued: queued.LOW + queued.NORMAL + queued.HIGH + queued.CRITICAL,
    running,
    online: overview.nodes.filter((n) => n.online).length,
    assignmentsPerSecond,
  };
}

/** A successful poll: its overview, one more history sample, and the logs of the jobs it asked about. */
export function withPoll(data: DashboardData, overview: Overview, details: readonly JobDetail[]): DashboardData {
  return {
    overview,
    connection: { state: "online", failures: 0, lastSuccessAt: overview.at },
    history: [...data.history, sampleOf(overview)].slice(-HISTORY_SAMPLES),
    logJobIds: details.map((d) => d.job.id),
    logs: mergeLogs(details),
  };
}

/** A failed poll: the data stays, the next try waits longer. */
export function withFailure(data: DashboardData, error: string, now: number): DashboardData {
  const failures = data.connection.failures + 1;
  return { ...data, connection: { state: "offline", failures, error, retryAt: now + backoffMs(failures), lastSuccessAt: data.connection.lastSuccessAt } };
}

/**
 * 1 s, 2 s, 4 s… up to 30 s: a server that restarts is found again quickly, one that is gone is
 * not hammered. The nodes' backoff without its jitter: one dashboard needs no spreading, and the
 * status line can say exactly when it tries again.
 */
export function backoffMs(failures: number): number {
  return backoffDelay(Math.max(0, failures - 1), BACKOFF_FIRST_MS, BACKOFF_MAX_MS, () => 1);
}

export function nextPollDelay(connection: Connection, intervalMs: number, now: number): number {
  return connection.state === "offline" && connection.retryAt !== undefined ? Math.max(0, connection.retryAt - now) : intervalMs;
}

const isActive = (job: Job) => job.status === JobStatus.ASSIGNED || job.status === JobStatus.RUNNING;

function lastActivity(job: Job): number {
  const times = [job.completedAt, job.startedAt, job.assignedAt, job.createdAt].filter((t): t is Timestamp => t !== undefined);
  return Math.max(0, ...times.map(timestampMs));
}

/**
 * Whose logs to fetch: the followed job alone, or else the jobs on nodes now, topped up with the
 * ones that changed most recently, so that a quiet network still shows how its last jobs ended.
 */
export function logTargets(jobs: readonly Job[], followedJobId: string | undefined): string[] {
  if (followedJobId) return [followedJobId];
  const active = jobs.filter(isActive);
  const others = jobs.filter((j) => !isActive(j)).sort((a, b) => lastActivity(b) - lastActivity(a));
  return [...active, ...others].slice(0, AUTO_LOG_JOBS).map((j) => j.id);
}

/** The jobs' lines in the order they were written, newest last: log ids come from one database sequence. */
export function mergeLogs(details: readonly JobDetail[]): LogLine[] {
  const lines = details.flatMap(({ job, logs }) => logs.map((l) => ({ id: l.id, jobId: job.id, level: l.level, message: l.message, time: Date.parse(l.time) })));
  lines.sort((a, b) => compareIds(a.id, b.id));
  return lines.slice(-LOG_LINES_KEPT);
}

/** Decimal ids of any size (the column is a bigint), compared as numbers. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** How many of the listed jobs are in each state. */
export function countByStatus(jobs: readonly Job[]): Map<JobStatus, number> {
  const counts = new Map<JobStatus, number>();
  for (const job of jobs) counts.set(job.status, (counts.get(job.status) ?? 0) + 1);
  return counts;
}

/**
 * Nodes in a steady order, online ones first and then by name: the server lists them by last
 * heartbeat, which would reshuffle the table every few seconds.
 */
export function nodesInOrder<T extends { id: string; name: string; online: boolean }>(nodes: readonly T[]): T[] {
  return [...nodes].sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
