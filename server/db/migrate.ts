import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { SqlDriver } from "./sql-driver";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {}

/** prisma/migrations/<timestamp>_<name>/migration.sql, in name order (Prisma's own layout). */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    entries.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/** Any 64-bit number works; this one says "cyxwiz migrations" to whoever reads pg_locks. */
const MIGRATION_LOCK = 727_384_301;

/**
 * Applies pending migrations in one transaction, under an advisory lock so that server
 * instances starting together take turns. An applied migration whose file has changed since is
 * an error: history must not be rewritten under a running database.
 */
export async function applyMigrations(driver: SqlDriver, migrations: Migration[]): Promise<string[]> {
  return driver.transaction(async (db) => {
    await db.rows("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await db.exec(`CREATE TABLE IF NOT EXISTS "_cyxwiz_migrations" (
      "name" TEXT PRIMARY KEY,
      "checksum" TEXT NOT NULL,
      "applied_at" TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const applied = new Map((await db.rows<{ name: string; checksum: string }>(`SELECT name, checksum FROM "_cyxwiz_migrations"`)).map((r) => [r.name, r.checksum]));
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new MigrationError(`migration ${migration.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await db.exec(migration.sql);
      await db.rows(`INSERT INTO "_cyxwiz_migrations" (name, checksum) VALUES ($1, $2)`, [migration.name, migration.checksum]);
      done.push(migration.name);
    }
    return done;
  });
}
