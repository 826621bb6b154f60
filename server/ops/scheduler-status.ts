import type { PriorityName, SchedulerStatus } from "../../lib/wire/rest";
import type { Prisma } from "../db/database";
import { heldSql } from "../jobs/job-status";

const PRIORITIES: Record<number, PriorityName> = { 1: "LOW", 2: "NORMAL", 3: "HIGH", 4: "CRITICAL" };

/** The scheduler's state, read from PostgreSQL (the source of truth, whichever instance asks). */
export async function schedulerStatus(prisma: Prisma): Promise<SchedulerStatus> {
  const [queued, active, recent, wait, nodes] = await Promise.all([
    prisma.$queryRaw<{ priority: number; count: bigint }[]>`SELECT priority, count(*) AS count FROM jobs WHERE status = 'QUEUED' GROUP BY priority`,
    prisma.$queryRaw<{ status: string; count: bigint }[]>`SELECT status, count(*) AS count FROM jobs WHERE ${heldSql()} GROUP BY status`,
    prisma.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM job_attempts WHERE started_at > now() - interval '60 seconds'`,
    prisma.$queryRaw<{ mean: number | null }[]>`
      SELECT avg(extract(epoch FROM (a.started_at - j.created_at)))::float8 AS mean
      FROM job_attempts a JOIN jobs j ON j.id = a.job_id
      WHERE a.attempt = 1 AND a.started_at > now() - interval '10 minutes'`,
    prisma.$queryRaw<{ status: string; count: bigint }[]>`SELECT status, count(*) AS count FROM nodes GROUP BY status`,
  ]);
  const byPriority: Record<PriorityName, number> = { LOW: 0, NORMAL: 0, HIGH: 0, CRITICAL: 0 };
  for (const row of queued) {
    const name = PRIORITIES[row.priority];
    if (name) byPriority[name] += Number(row.count);
  }
  const count = (rows: { status: string; count: bigint }[], status: string) => Number(rows.find((r) => r.status === status)?.count ?? 0);
  const lastMinute = Number(recent[0]?.count ?? 0);
  return {
    queued: byPriority,
    assigned: count(active, "ASSIGNED"),
    running: count(active, "RUNNING"),
    assignmentsLastMinute: lastMinute,
    assignmentsPerSecond: lastMinute / 60,
    meanWaitSeconds: wait[0]?.mean ?? null,
    nodes: { idle: count(nodes, "IDLE"), busy: count(nodes, "BUSY"), offline: count(nodes, "OFFLINE") },
  };
}
