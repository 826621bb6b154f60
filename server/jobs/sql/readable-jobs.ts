import type { Access } from "../../auth/capability";
import { Prisma as PrismaNamespace } from "../../db/generated/client";
import { readableSql } from "../job-access";
import { statusIn, type JobStatusName } from "../job-status";
import type { Sql } from "../job-row";

const { sql, empty, join } = PrismaNamespace;

export interface JobFilter {
  statuses?: readonly JobStatusName[];
  jobTypes?: readonly string[];
  ownerId?: string;
}

/**
 * The ids of a page of the jobs an access may read, newest first, after the cursor's job: the
 * check is in this statement, and the rows are then loaded by these ids alone. One more than the
 * limit, so the caller knows whether another page follows.
 */
export async function readableJobIds(db: Sql, access: Access, filter: JobFilter, limit: number, after?: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM jobs
    WHERE ${readableSql(access)}
      ${filter.statuses?.length ? sql`AND ${statusIn(filter.statuses)}` : empty}
      ${filter.jobTypes?.length ? sql`AND job_type IN (${join([...filter.jobTypes])})` : empty}
      ${filter.ownerId ? sql`AND user_id = ${filter.ownerId}::uuid` : empty}
      ${after ? sql`AND (created_at, id) < (SELECT created_at, id FROM jobs WHERE id = ${after}::uuid)` : empty}
    ORDER BY created_at DESC, id DESC
    LIMIT ${limit + 1}`;
  return rows.map((r) => r.id);
}

/** Whether a job exists that the access may read. */
export async function isReadable(db: Sql, jobId: string, access: Access): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM jobs WHERE id = ${jobId}::uuid AND ${readableSql(access)}`;
  return rows.length > 0;
}
