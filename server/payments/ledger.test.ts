import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/helpers/databases";
import { openDatabase, type Database } from "../db/database";
import { PaymentLedger } from "./ledger";
import type { Intent } from "./sql/record-intent";

describe.each(DATABASE_KINDS)("the payments ledger on %s", (kind) => {
  let database: TestDatabase;
  let db: Database;
  let dataDir: string;
  let ledger: PaymentLedger;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    dataDir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-ledger-"));
    db = await openDatabase({ url: database.url, dataDir });
    ledger = new PaymentLedger(db.prisma);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const release = (jobId: string, attempt = 1): Intent => ({ jobId, kind: "release", attempt, fromAddress: "E", toAddress: "N", lamports: 1_000n, feeLamports: 50n, treasuryAddress: "T" });

  it("writes one of many simultaneous intents for the same release", async () => {
    const jobId = randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => ledger.recordIntent(release(jobId))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await ledger.transfers(jobId)).toHaveLength(1);
  });

  it("keeps a live release from being written twice, and makes room only once it failed or expired", async () => {
    const jobId = randomUUID();
    const first = await ledger.recordIntent(release(jobId));
    if (!first.created) throw new Error("expected an intent");
    expect(await ledger.recordIntent(release(jobId))).toEqual({ created: false, blocker: first.transfer });
    // Another attempt waits too: the job's open transfer was computed from the same escrow balance.
    expect(await ledger.recordIntent(release(jobId, 2))).toMatchObject({ created: false, blocker: { id: first.transfer.id } });
    expect(await ledger.recordSigned(first.transfer.id, "sig-1", 100n)).toMatchObject({ state: "sent", signature: "sig-1", lastValidBlockHeight: 100n });
    expect(await ledger.recordSigned(first.transfer.id, "sig-1b", 100n)).toBeNull();
    expect(await ledger.markFailed(first.transfer.id, "refused at preflight")).toMatchObject({ state: "failed", error: "refused at preflight" });
    const second = await ledger.recordIntent(release(jobId));
    expect(second.created).toBe(true);
    if (!second.created) return;
    await ledger.recordSigned(second.transfer.id, "sig-2", 200n);
    expect(await ledger.markConfirmed(second.transfer.id)).toMatchObject({ state: "confirmed" });
    expect(await ledger.markExpired(second.transfer.id, "late")).toBeNull();
    expect(await ledger.recordIntent(release(jobId))).toMatchObject({ created: false, blocker: { id: second.transfer.id, state: "confirmed" } });
    expect(await ledger.recordIntent(release(jobId, 2))).toMatchObject({ created: true });
  });

  it("counts a signature once across every job and kind", async () => {
    const deposit = { jobId: randomUUID(), fromAddress: "U", toAddress: "E", lamports: 5n, signature: `dep-${randomUUID()}` };
    const first = await ledger.recordDeposit(deposit);
    expect(first).toMatchObject({ created: true, transfer: { kind: "deposit", state: "confirmed", lamports: 5n } });
    expect(await ledger.recordDeposit({ ...deposit, jobId: randomUUID() })).toEqual({ created: false, transfer: first.transfer });
  });

  it("refuses rows that break the books' rules", async () => {
    const jobId = randomUUID();
    await expect(
      db.prisma.$executeRaw`INSERT INTO payment_transfers (job_id, kind, from_address, to_address, lamports, fee_lamports, state) VALUES (${jobId}::uuid, 'refund', 'E', 'U', 10, 11, 'intent')`,
    ).rejects.toThrow(/payment_transfers_amounts/);
    await expect(
      db.prisma.$executeRaw`INSERT INTO payment_transfers (job_id, kind, from_address, to_address, lamports, state) VALUES (${jobId}::uuid, 'release', 'E', 'N', 10, 'intent')`,
    ).rejects.toThrow(/payment_transfers_attempt/);
    await expect(
      db.prisma.$executeRaw`INSERT INTO payment_transfers (job_id, kind, from_address, to_address, lamports, state) VALUES (${jobId}::uuid, 'refund', 'E', 'U', 10, 'confirmed')`,
    ).rejects.toThrow(/payment_transfers_signed/);
  });
});
