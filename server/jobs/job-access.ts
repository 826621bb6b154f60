import type { Access } from "../auth/capability";
import { Prisma as PrismaNamespace } from "../db/generated/client";

const { sql, join } = PrismaNamespace;

/**
 * The jobs an access may change: its user's own, and the ownerless ones whose job tokens it sent.
 * Every statement that changes a job for a caller names it in its WHERE, so no handler can forget
 * it. Built only from what is there — a missing user id must never become a missing condition —
 * and an access with neither reaches nothing. Jobs with neither owner nor token (anonymous ones
 * from before job tokens, or their user deleted) are reached by no access.
 */
export function reachableSql(access: Access, alias?: string): PrismaNamespace.Sql {
  const column = (name: string) => PrismaNamespace.raw(alias ? `${alias}.${name}` : name);
  const ways: PrismaNamespace.Sql[] = [];
  if (access.userId) ways.push(sql`${column("user_id")} = ${access.userId}::uuid`);
  if (access.tokenHashes.length > 0) ways.push(sql`(${column("user_id")} IS NULL AND ${column("token_hash")} IN (${join(access.tokenHashes)}))`);
  return ways.length > 0 ? sql`(${join(ways, " OR ")})` : sql`FALSE`;
}
