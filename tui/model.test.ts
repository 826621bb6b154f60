import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { JobSchema, JobStatus, type Job } from "../gen/cyxwiz/v1/job_pb";
import type { JobDetail, NodeInfo, Overview } from "./api";
import { AUTO_LOG_JOBS, backoffMs, countByStatus, HISTORY_SAMPLES, initialData, LOG_LINES_KEPT, logTargets, mergeLogs, nextPollDelay, nodesInOrder, sampleOf, withFailure, withPoll } from "./model";

const job = (id: string, status: JobStatus, times: { created?: number; assigned?: number; completed?: number } = {}): Job =>
  create(JobSchema, {
    id,
    name: `job ${id}`,
    status,
    createdAt: timestampFromMs(times.created ?? 0),
    assignedAt: times.assigned === undefined ? undefined : timestampFromMs(times.assigned),
    completedAt: times.completed === undefined ? undefined : timestampFromMs(times.completed),
  });

const node = (id: string, name: string, online: boolean): NodeInfo => ({
  id,
  name,
  online,
  runtime: "node",
  status: online ? "IDLE" : "OFFLINE",
  backend: "wasm",
  computeScore: 20,
  reputation: 50,
  lastSeen: new Date(0).toISOString(),
  live: online ? { cpuUsage: 0.25, samplesPerSecond: 1200 } : null,
});

const overview = (at: number, queued = 0, running = 0, nodes: NodeInfo[] = [], jobs: Job[] = []): Overview => ({
  at,
  scheduler: {
    queued: { LOW: queued, NORMAL: 0, HIGH: 0, CRITICAL: 0 },
    assigned: 0,
    running,
    assignmentsLastMinute: 6,
    assignmentsPerSecond: 0.1,
    meanWaitSeconds: null,
    nodes: { idle: 0, busy: 0, offline: 0 },
  },
  nodes,
  jobs,
});

const detail = (j: Job, logs: [id: string, message: string][]): JobDetail => ({
  job: j,
  logs: logs.map(([id, message]) => ({ id, level: "info", message, time: new Date(Number(id)).toISOString() })),
});

describe("withPoll", () => {
  it("takes the overview, goes online and records a sample for the sparklines", () => {
    const data = withPoll(initialData, overview(1000, 3, 2, [node("a", "a", true), node("b", "b", false)]), []);
    expect(data.connection).toEqual({ state: "online", failures: 0, lastSuccessAt: 1000 });
    expect(data.history).toEqual([{ at: 1000, queued: 3, running: 2, online: 1, assignmentsPerSecond: 0.1 }]);
  });

  it("keeps a bounded history, oldest dropped first", () => {
    let data = initialData;
    for (let i = 0; i < HISTORY_SAMPLES + 5; i++) data = withPoll(data, overview(i, i), []);
    expect(data.history).toHaveLength(HISTORY_SAMPLES);
    expect(data.history[0]?.queued).toBe(5);
    expect(data.history.at(-1)?.queued).toBe(HISTORY_SAMPLES + 4);
  });

  it("replaces the logs with those of the jobs just fetched", () => {
    const a = job("a", JobStatus.RUNNING);
    const first = withPoll(initialData, overview(0), [detail(a, [["1", "queued"]])]);
    const second = withPoll(first, overview(1), [
      detail(a, [
        ["1", "queued"],
        ["2", "assigned"],
      ]),
    ]);
    expect(second.logJobIds).toEqual(["a"]);
    expect(second.logs.map((l) => l.message)).toEqual(["queued", "assigned"]);
  });
});

describe("withFailure", () => {
  it("keeps the last data on screen, counts the failure and schedules a retry", () => {
    const online = withPoll(initialData, overview(1000, 4), []);
    const failed = withFailure(withFailure(online, "ECONNREFUSED", 5000), "ECONNREFUSED", 6000);
    expect(failed.overview).toBe(online.overview);
    expect(failed.history).toBe(online.history);
    expect(failed.connection).toEqual({ state: "offline", failures: 2, error: "ECONNREFUSED", retryAt: 6000 + 2000, lastSuccessAt: 1000 });
    expect(withPoll(failed, overview(9000), []).connection).toEqual({ state: "online", failures: 0, lastSuccessAt: 9000 });
  });
});

describe("polling pace", () => {
  it("backs off exponentially up to 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it("waits the interval while online and until the retry while offline", () => {
    expect(nextPollDelay({ state: "online", failures: 0 }, 2000, 0)).toBe(2000);
    expect(nextPollDelay({ state: "connecting", failures: 0 }, 2000, 0)).toBe(2000);
    expect(nextPollDelay({ state: "offline", failures: 3, retryAt: 5000 }, 2000, 1000)).toBe(4000);
    expect(nextPollDelay({ state: "offline", failures: 3, retryAt: 5000 }, 2000, 9000)).toBe(0);
  });
});

describe("logTargets", () => {
  it("is the followed job alone when there is one", () => {
    expect(logTargets([job("a", JobStatus.RUNNING)], "z")).toEqual(["z"]);
  });

  it("takes jobs on nodes first, then the ones that changed last", () => {
    const jobs = [
      job("queued-new", JobStatus.QUEUED, { created: 50 }),
      job("running", JobStatus.RUNNING, { created: 10, assigned: 20 }),
      job("done-late", JobStatus.COMPLETED, { created: 1, completed: 60 }),
      job("done-early", JobStatus.COMPLETED, { created: 1, completed: 30 }),
    ];
    expect(logTargets(jobs, undefined)).toEqual(["running", "done-late", "queued-new"]);
    expect(logTargets(jobs, undefined)).toHaveLength(AUTO_LOG_JOBS);
    expect(logTargets([], undefined)).toEqual([]);
  });
});

describe("mergeLogs", () => {
  it("interleaves jobs in the order the lines were written, with numeric ids beyond string order", () => {
    const merged = mergeLogs([
      detail(job("a", JobStatus.RUNNING), [
        ["9", "a1"],
        ["11", "a2"],
      ]),
      detail(job("b", JobStatus.RUNNING), [["10", "b1"]]),
    ]);
    expect(merged.map((l) => `${l.jobId}:${l.message}`)).toEqual(["a:a1", "b:b1", "a:a2"]);
    expect(merged[0]).toMatchObject({ id: "9", level: "info", time: 9 });
  });

  it("keeps only the newest lines", () => {
    const many = Array.from({ length: LOG_LINES_KEPT + 3 }, (_, i): [string, string] => [String(i + 1), `line ${i + 1}`]);
    const merged = mergeLogs([detail(job("a", JobStatus.RUNNING), many)]);
    expect(merged).toHaveLength(LOG_LINES_KEPT);
    expect(merged[0]?.message).toBe("line 4");
  });
});

describe("tables", () => {
  it("orders nodes steadily: online first, then by name", () => {
    const nodes = [node("1", "zed", true), node("2", "amy", false), node("3", "bob", true), node("4", "bob", true)];
    expect(nodesInOrder(nodes).map((n) => n.id)).toEqual(["3", "4", "1", "2"]);
  });

  it("counts jobs by state", () => {
    const counts = countByStatus([job("a", JobStatus.COMPLETED), job("b", JobStatus.COMPLETED), job("c", JobStatus.FAILED)]);
    expect(counts.get(JobStatus.COMPLETED)).toBe(2);
    expect(counts.get(JobStatus.FAILED)).toBe(1);
    expect(counts.get(JobStatus.RUNNING)).toBeUndefined();
  });

  it("sums the queue over priorities", () => {
    const o = overview(0);
    o.scheduler.queued = { LOW: 1, NORMAL: 2, HIGH: 3, CRITICAL: 4 };
    expect(sampleOf(o).queued).toBe(10);
  });
});
