import { randomBytes } from "node:crypto";
import pg from "pg";
import { IN_MEMORY } from "../../server/db/database";

/**
 * The PostgreSQL server tests use (a fresh database per test file is created on it). CI and the
 * development machines run one on localhost; elsewhere set CYXWIZ_TEST_POSTGRES_URL, or
 * CYXWIZ_TEST_SERVICES=embedded to run only the embedded (PGlite, in-memory bus) variants.
 */
export const POSTGRES_ADMIN_URL = process.env.CYXWIZ_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.CYXWIZ_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const EMBEDDED_ONLY = process.env.CYXWIZ_TEST_SERVICES === "embedded";

export interface TestDatabase {
  kind: "pglite" | "postgres";
  url: string;
  drop(): Promise<void>;
}

/** A brand-new, empty PostgreSQL database; drop() removes it. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `cyxwiz_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (${(error as Error).message}). Start it, point CYXWIZ_TEST_POSTGRES_URL at one, ` +
        "or set CYXWIZ_TEST_SERVICES=embedded to run only the embedded variants.",
      { cause: error },
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    kind: "postgres",
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export function inMemoryDatabase(): TestDatabase {
  return { kind: "pglite", url: IN_MEMORY, drop: async () => undefined };
}

/** The database kinds every persistence test runs against: embedded PGlite, and real PostgreSQL. */
export const DATABASE_KINDS: ("pglite" | "postgres")[] = EMBEDDED_ONLY ? ["pglite"] : ["pglite", "postgres"];

export function createTestDatabase(kind: "pglite" | "postgres"): Promise<TestDatabase> {
  return kind === "postgres" ? createPostgresDatabase() : Promise.resolve(inMemoryDatabase());
}
