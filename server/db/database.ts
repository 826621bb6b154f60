import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "./generated/client";
import { applyMigrations, loadMigrations } from "./migrate";
import { pgliteDriver, postgresDriver, type SqlDriver } from "./sql-driver";

export type Prisma = PrismaClient;

export interface Database {
  kind: "pglite" | "postgres";
  prisma: PrismaClient;
  /** Where the data lives, without credentials, for logs and /health. */
  location: string;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

/** "pglite:memory" keeps the embedded database in memory (tests); unset means PGlite on disk. */
export const IN_MEMORY = "pglite:memory";

/**
 * Opens the configured database and brings its schema up to date: PostgreSQL when url is a
 * postgres:// URL, else embedded PGlite in dataDir (or in memory).
 */
export async function openDatabase(options: { url?: string; dataDir: string; onConnectionError?: (error: Error) => void }): Promise<Database> {
  const { url } = options;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection the server drops (a restart, a failover, an administrator) is replaced on
    // the next query; without a listener, pg would throw it as an uncaught error and end the process.
    pool.on("error", (error) => options.onConnectionError?.(error));
    return finish(postgresDriver(pool), new PrismaPg(pool), redact(url));
  }
  if (url && url !== IN_MEMORY) throw new Error(`DATABASE_URL must be a postgresql:// URL or ${IN_MEMORY}, got "${redact(url)}"`);
  const dir = path.join(options.dataDir, "pglite");
  if (url !== IN_MEMORY) await mkdir(dir, { recursive: true });
  const db = url === IN_MEMORY ? new PGlite() : new PGlite(dir);
  await db.waitReady;
  return finish(pgliteDriver(db), new PrismaPGlite(db), url === IN_MEMORY ? "memory" : dir);
}

async function finish(driver: SqlDriver, adapter: PrismaPg | PrismaPGlite, location: string): Promise<Database> {
  try {
    await applyMigrations(driver, await loadMigrations(MIGRATIONS_DIR));
  } catch (error) {
    await driver.close();
    throw error;
  }
  const prisma = new PrismaClient({ adapter });
  return {
    kind: driver.kind,
    prisma,
    location,
    async close() {
      await prisma.$disconnect();
      await driver.close();
    },
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
