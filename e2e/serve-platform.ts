import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer } from "../server/app";
import { loadConfig } from "../server/config";
import { createLogger } from "../server/log";

/**
 * The central server for end-to-end tests: embedded database and a throwaway data directory,
 * on the ports Playwright's config names. Removes its data on exit. Datasets over 4 MB are
 * chunked, so the digits (6.7 MB) stream through the tabs' training in chunks while the small
 * datasets travel whole: both paths run in a real browser.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), "cyxwiz-e2e-"));
const config = { ...loadConfig(), dataDir, databaseUrl: process.env.DATABASE_URL || "pglite:memory", datasetChunkBytes: 4 * 1024 ** 2 };
const server = await startServer(config, createLogger("cyxwiz-e2e-server"));
const stop = async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
