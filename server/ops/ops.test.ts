import { spawnSync } from "node:child_process";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { queueJob, registerNode } from "../../tests/helpers/fixtures";
import { restRoutes } from "../http/rest";
import type { HttpResult } from "../http/router";
import { claimJobs } from "../scheduler/claim";
import type { SchedulerStatus } from "../../lib/wire/rest";
import { schedulerStatus } from "./scheduler-status";

describe.each(DATABASE_KINDS)("operations endpoints on %s", (kind) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(kind);
    // Each test reads the scheduler's state from an empty queue.
    await t.ctx.db.prisma.$executeRaw`UPDATE jobs SET status = 'CANCELLED' WHERE status IN ('QUEUED', 'ASSIGNED', 'RUNNING')`;
  });
  afterAll(async () => {
    await t.close();
  });

  async function get(url: string): Promise<HttpResult> {
    const router = restRoutes(t.ctx);
    const found = router.match("GET", url);
    if (!found || found === "method_not_allowed") throw new Error(`no route ${url}`);
    return found.handler({ method: "GET", path: url, params: found.params, query: new URLSearchParams(), headers: {}, body: Readable.from([]) });
  }

  it("answers ready while the database answers", async () => {
    expect(await get("/api/v1/ready")).toMatchObject({ status: 200, body: { ready: true } });
  });

  it("reports the queue by priority, what is on nodes, assignments in the last minute and the mean wait", async () => {
    const before = (await get("/api/v1/scheduler")).body as SchedulerStatus;
    await queueJob(t.ctx, { priority: 3 });
    await queueJob(t.ctx, { priority: 3 });
    await queueJob(t.ctx, { priority: 1 });
    const node = await registerNode(t.ctx);
    await claimJobs(t.ctx.db.prisma, [node.id], 1);
    const after = (await get("/api/v1/scheduler")).body as SchedulerStatus;
    expect(after.queued.HIGH - before.queued.HIGH).toBe(1);
    expect(after.queued.LOW - before.queued.LOW).toBe(1);
    expect(after.assigned - before.assigned).toBe(1);
    expect(after.assignmentsLastMinute - before.assignmentsLastMinute).toBe(1);
    expect(after.assignmentsPerSecond).toBeCloseTo(after.assignmentsLastMinute / 60, 10);
    expect(after.meanWaitSeconds).toBeGreaterThanOrEqual(0);
    expect(after.nodes.idle + after.nodes.busy).toBeGreaterThanOrEqual(1);
  });

  it("exposes Prometheus metrics: the queue and nodes from the database, this instance's counters, process metrics", async () => {
    t.ctx.metrics.heartbeats.inc(3);
    const result = await get("/metrics");
    const text = Buffer.from(result.body as Uint8Array).toString("utf8");
    const status = await schedulerStatus(t.ctx.db.prisma);
    expect(result.headers?.["content-type"]).toMatch(/^text\/plain/);
    expect(text).toContain(`cyxwiz_queue_depth{priority="HIGH"} ${status.queued.HIGH}`);
    expect(text).toContain(`cyxwiz_jobs_active{status="assigned"} ${status.assigned}`);
    expect(text).toMatch(/^cyxwiz_heartbeats_total 3$/m);
    expect(text).toContain("cyxwiz_assignments_total");
    expect(text).toContain("cyxwiz_process_resident_memory_bytes");
  });

  it("serves an exposition that Prometheus' own promtool accepts", async () => {
    const exposition = Buffer.from((await get("/metrics")).body as Uint8Array).toString("utf8");
    const check = spawnSync("promtool", ["check", "metrics"], { input: exposition, encoding: "utf8" });
    if (check.error) throw new Error(`promtool is needed to check the metrics (Debian: apt-get install prometheus; .ci/run installs it): ${check.error.message}`);
    expect({ status: check.status, problems: `${check.stdout}${check.stderr}`.trim() }).toEqual({ status: 0, problems: "" });
  });
});
