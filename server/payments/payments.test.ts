import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inMemoryDatabase } from "../../tests/helpers/databases";
import { loadConfig } from "../config";
import { openDatabase, type Database } from "../db/database";
import { openPayments } from "./payments";

describe("openPayments", () => {
  let dataDir: string;
  let db: Database;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-payments-"));
    db = await openDatabase({ url: inMemoryDatabase().url, dataDir });
  });
  afterAll(async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const log = pino({ level: "silent" });

  it("is nothing when payments are off", async () => {
    expect(await openPayments(loadConfig({ CYXWIZ_PAYMENTS: "off", CYXWIZ_DATA_DIR: dataDir }), db.prisma, log)).toBeNull();
  });

  it("starts the embedded chain in the data directory with a funded platform key, and finds both again on the next start", async () => {
    const config = loadConfig({ CYXWIZ_DATA_DIR: dataDir, CYXWIZ_CHAIN_PORT: "0" });
    const first = await openPayments(config, db.prisma, log);
    expect(first?.embedded).toBeDefined();
    expect(first?.reconciled).toEqual({ settled: [], open: [] });
    const address = first?.platform.address;
    expect(await first?.chain.balance(first.platform.address)).toBe(10_000_000_000n);
    await first?.close();

    const second = await openPayments(config, db.prisma, log);
    expect(second?.platform.address).toBe(address);
    expect(await second?.chain.balance(second.platform.address)).toBe(10_000_000_000n);
    await second?.close();
  });

  it("uses SOLANA_RPC_URL and starts no chain of its own", async () => {
    const config = loadConfig({ CYXWIZ_DATA_DIR: path.join(dataDir, "other"), CYXWIZ_CHAIN_PORT: "0" });
    const host = await openPayments(config, db.prisma, log);
    const remote = await openPayments(loadConfig({ CYXWIZ_DATA_DIR: path.join(dataDir, "other"), SOLANA_RPC_URL: host?.rpcUrl }), db.prisma, log);
    expect(remote?.embedded).toBeUndefined();
    expect(remote?.rpcUrl).toBe(host?.rpcUrl);
    expect(await remote?.chain.balance(remote.platform.address)).toBe(10_000_000_000n);
    await remote?.close();
    await host?.close();
  });
});
