import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createPostgresDatabase, EMBEDDED_ONLY, POSTGRES_ADMIN_URL } from "../../tests/helpers/databases";
import { openDatabase } from "./database";

describe.skipIf(EMBEDDED_ONLY)("a PostgreSQL database", () => {
  it("reports connections the server closes and carries on with new ones", async () => {
    const database = await createPostgresDatabase();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-db-"));
    const dropped: Error[] = [];
    const db = await openDatabase({ url: database.url, dataDir, onConnectionError: (error) => dropped.push(error) });
    try {
      await db.prisma.$queryRaw`SELECT 1`;
      const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await admin.connect();
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [new URL(database.url).pathname.slice(1)]);
      await admin.end();
      await expect.poll(() => dropped.length).toBeGreaterThan(0);
      expect(await db.prisma.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
