import { type PGlite } from "@electric-sql/pglite";
import type pg from "pg";

/** A session on the raw driver, for what Prisma cannot do: multi-statement migration scripts. */
export interface SqlSession {
  exec(sql: string): Promise<void>;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface SqlDriver {
  kind: "pglite" | "postgres";
  /** Runs fn in one transaction on one connection. */
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function pgliteDriver(db: PGlite): SqlDriver {
  return {
    kind: "pglite",
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          exec: async (sql) => void (await tx.exec(sql)),
          rows: async <T>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows,
        }),
      ),
    close: () => db.close(),
  };
}

export function postgresDriver(pool: pg.Pool): SqlDriver {
  return {
    kind: "postgres",
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn({
          exec: async (sql) => void (await client.query(sql)),
          rows: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
