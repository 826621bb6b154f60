import type { Access } from "../auth/capability";
import { Prisma as PrismaNamespace } from "../db/generated/client";

const { sql, join } = PrismaNamespace;

/**
 * The jobs an access may change: its user's own, and the ownerless ones whose job tokens it sent.
 * Every statement that changes a job for a caller names it in its WHERE, so no handler can forget
 * it. Built only from what is there — a missing user id must never become a missing condition —
 * and an access with neither reaches nothing. Jobs with neither owner nor token (anonymous ones
 * from before job tokens, or their user deleted) are reached by no access.
 *
 * The same rule reaches what is made of a job (a deployment: its own owner, its job's token), so
 * the columns may be named: by default the job row's own, under `alias`.
 */
export function reachableSql(
  access: Access,
  alias?: string,
  columns: { owner: string; token: string } = { owner: qualified(alias, "user_id"), token: qualified(alias, "token_hash") },
): PrismaNamespace.Sql {
  const owner = PrismaNamespace.raw(columns.owner);
  const ways: PrismaNamespace.Sql[] = [];
  if (access.userId) ways.push(sql`${owner} = ${access.userId}::uuid`);
  if (access.tokenHashes.length > 0) ways.push(sql`(${owner} IS NULL AND ${PrismaNamespace.raw(columns.token)} IN (${join(access.tokenHashes)}))`);
  return ways.length > 0 ? sql`(${join(ways, " OR ")})` : sql`FALSE`;
}

const qualified = (alias: string | undefined, column: string) => (alias ? `${alias}.${column}` : column);

/**
 * The jobs an access may read (with their curves, logs and models): those it may change, and the
 * public ones. Every read of a job for a caller names it in its WHERE.
 */
export function readableSql(access: Access, alias?: string): PrismaNamespace.Sql {
  return sql`(${PrismaNamespace.raw(qualified(alias, "public"))} OR ${reachableSql(access, alias)})`;
}
