import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { buildContext, startServer, type RunningServer } from "../../server/app";
import { IN_MEMORY } from "../../server/db/database";
import { loadConfig, type ServerConfig } from "../../server/config";
import type { ServerContext } from "../../server/context";
import type { Logger } from "../../server/log";
import { createTestDatabase, type TestDatabase } from "./databases";

export interface TestContext {
  ctx: ServerContext;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The server's defaults for tests: payments off (a test about them turns them on, with the chain on a free port). */
const testConfig = () => loadConfig({ CYXWIZ_PAYMENTS: "off", CYXWIZ_CHAIN_PORT: "0" });

/** Payments on, the embedded chain on a free port: for the overrides of a test about payments. */
export const withPayments = (): Pick<ServerConfig, "payments"> => ({ payments: { ...testConfig().payments, enabled: true } });

/** A server context (no listeners) on a fresh database of the given kind and a temporary data dir. */
export async function createTestContext(kind: "pglite" | "postgres", overrides: Partial<ServerConfig> = {}): Promise<TestContext> {
  const database = await createTestDatabase(kind);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-test-"));
  const config = { ...testConfig(), dataDir, databaseUrl: database.url, ...overrides };
  const ctx = await buildContext(config, pino({ level: "silent" }));
  return {
    ctx,
    database,
    async close() {
      await ctx.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The whole server (RPC, REST, artifacts, scheduler loops) listening on free local ports, in
 * this process, on an in-memory database: for tests that drive a real node agent and look at
 * the server's state directly.
 */
export async function startTestServer(overrides: Partial<ServerConfig> = {}, log: Logger = pino({ level: "silent" })): Promise<RunningServer & { close(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-test-"));
  const config = { ...testConfig(), dataDir, databaseUrl: IN_MEMORY, host: "127.0.0.1", rpcPort: 0, httpPort: 0, ...overrides };
  const server = await startServer(config, log);
  return {
    ...server,
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
