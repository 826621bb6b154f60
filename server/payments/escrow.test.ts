import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generateKeyPairSigner, lamports, type Address, type KeyPairSigner, type Signature } from "@solana/kit";
import { getAddMemoInstruction } from "@solana-program/memo";
import { getTransferSolInstruction } from "@solana-program/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/helpers/databases";
import { MEMO_PROGRAM } from "../../lib/payments/escrow-address";
import { parsePaymentMemo, paymentMemo } from "../../lib/payments/memo";
import { ChainClient } from "../../lib/payments/chain-client";
import { startEmbeddedChain, type EmbeddedChain } from "../chain/embedded-chain";
import { PlatformKey } from "../chain/platform-key";
import { openDatabase, type Database } from "../db/database";
import { Escrow, type EscrowHooks } from "./escrow";
import { PaymentError } from "./errors";
import { PaymentLedger } from "./ledger";
import { reconcile } from "./reconcile";

const SOL = 1_000_000_000n;
const TX_FEE = 5000n;
const memo = (text: string) => getAddMemoInstruction({ memo: text }, { programAddress: MEMO_PROGRAM });

describe.each(DATABASE_KINDS)("the escrow and its ledger on %s", (kind) => {
  let database: TestDatabase;
  let db: Database;
  let dataDir: string;
  let chain: EmbeddedChain;
  let client: ChainClient;
  let ledger: PaymentLedger;
  let platform: PlatformKey;
  let user: KeyPairSigner;
  let node: KeyPairSigner;
  let treasury: KeyPairSigner;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    dataDir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-pay-"));
    db = await openDatabase({ url: database.url, dataDir });
    ledger = new PaymentLedger(db.prisma);
    chain = await startEmbeddedChain();
    client = new ChainClient(chain.url, { pollMs: 10, maxWaitMs: 3_000 });
    [user, node, treasury] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner(), generateKeyPairSigner()]);
    platform = await PlatformKey.load({ dataDir, treasury: treasury.address });
    for (const [who, amount] of [
      [platform.address, 10n * SOL],
      [user.address, 10n * SOL],
      [node.address, SOL / 100n],
      [treasury.address, SOL / 100n],
    ] as const) {
      await client.rpc.requestAirdrop(who, lamports(amount)).send();
    }
  });
  afterAll(async () => {
    await chain.stop();
    await db.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const escrowOf = (hooks?: EscrowHooks, inFlightMs?: number) => new Escrow({ ledger, chain: client, platform, feeBps: 500, hooks, inFlightMs });
  const balances = async () => ({
    user: await client.balance(user.address),
    node: await client.balance(node.address),
    treasury: await client.balance(treasury.address),
    platform: await client.balance(platform.address),
  });

  /** The user's wallet paying into an address, with a memo: what the Engine's deposit does. */
  async function pay(to: Address, amount: bigint, memoText?: string, payer = user): Promise<Signature> {
    const tx = await client.sign(payer, [getTransferSolInstruction({ source: payer, destination: to, amount: lamports(amount) }), ...(memoText ? [memo(memoText)] : [])]);
    const outcome = await client.sendAndConfirm(tx);
    expect(outcome.status).toBe("confirmed");
    return tx.signature;
  }

  async function paidJob(amount: bigint): Promise<{ jobId: string; escrow: Address }> {
    const jobId = randomUUID();
    const escrow = await escrowOf().address(jobId);
    const signature = await pay(escrow, amount, paymentMemo({ kind: "deposit", jobId }));
    await escrowOf().confirmDeposit(jobId, signature, amount, user.address);
    return { jobId, escrow };
  }

  /** The books and the chain agree: what the ledger says is left in the escrow is what the chain holds, to the lamport. */
  async function expectBooksMatchChain(jobId: string, escrow: Address): Promise<void> {
    const rows = await ledger.transfers(jobId);
    const confirmed = rows.filter((r) => r.state === "confirmed");
    const inflow = confirmed.filter((r) => r.kind === "deposit").reduce((a, r) => a + r.lamports, 0n);
    const outflow = confirmed.filter((r) => r.kind !== "deposit").reduce((a, r) => a + r.lamports, 0n);
    expect(await client.balance(escrow)).toBe(inflow - outflow);
    for (const row of confirmed) expect(await client.transaction(row.signature as string)).toMatchObject({ err: null });
    for (const row of rows.filter((r) => r.state === "expired" && r.signature)) expect(await client.transaction(row.signature as string)).toBeNull();
  }

  it("takes a deposit, then releases it in one transaction: the node's share and the fee, with a memo, emptying the escrow", async () => {
    const price = 2_000_000n;
    const { jobId, escrow } = await paidJob(price);
    expect(await client.balance(escrow)).toBe(price);
    const before = await balances();
    const released = await escrowOf().release(jobId, 1, node.address, price);
    expect(released).toMatchObject({ moved: true, outcome: { status: "confirmed" }, transfer: { state: "confirmed", lamports: price, feeLamports: 100_000n, toAddress: node.address } });
    const after = await balances();
    expect(after.node - before.node).toBe(1_900_000n);
    expect(after.treasury - before.treasury).toBe(100_000n);
    expect(after.platform - before.platform).toBe(-TX_FEE);
    expect(await client.balance(escrow)).toBe(0n);
    const tx = await client.transaction(released.transfer.signature as string);
    expect(tx?.signers).toEqual([platform.address]);
    const memos = tx?.instructions.filter((ix) => ix.program === MEMO_PROGRAM).map((ix) => parsePaymentMemo(new TextDecoder().decode(ix.data)));
    expect(memos).toEqual([{ kind: "release", jobId, attempt: 1 }]);

    const again = await escrowOf().release(jobId.toUpperCase(), 1, node.address, price);
    expect(again).toEqual({ moved: false, transfer: released.transfer });
    expect(await balances()).toEqual(after);
    expect((await ledger.transfers(jobId)).map((r) => [r.kind, r.state])).toEqual([
      ["deposit", "confirmed"],
      ["release", "confirmed"],
    ]);
    await expectBooksMatchChain(jobId, escrow);
  });

  it("pays one attempt, refuses to strand less than the rent-exempt minimum, and refunds the rest exactly once", async () => {
    const { jobId, escrow } = await paidJob(2_000_000n);
    await escrowOf().release(jobId, 1, node.address, 1_000_000n);
    const stranding = escrowOf().release(jobId, 2, node.address, 500_000n);
    await expect(stranding).rejects.toMatchObject({ code: "would_strand_rent", message: expect.stringContaining("would leave 500000, below the rent-exempt 890880") });
    const before = await balances();
    const refunded = await escrowOf().refund(jobId, user.address);
    expect(refunded).toMatchObject({ moved: true, transfer: { kind: "refund", lamports: 1_000_000n, state: "confirmed" } });
    expect((await balances()).user - before.user).toBe(1_000_000n);
    expect(await client.balance(escrow)).toBe(0n);
    expect(await escrowOf().refund(jobId, user.address)).toMatchObject({ moved: false, transfer: { id: refunded.transfer.id } });
    await expect(escrowOf().release(jobId, 3, node.address, 1n)).rejects.toMatchObject({ code: "insufficient_escrow" });
    await expectBooksMatchChain(jobId, escrow);
  });

  it("refuses bad deposits in plain words and counts none of them", async () => {
    const jobId = randomUUID();
    const other = randomUUID();
    const escrow = await escrowOf().address(jobId);
    const escrowOfOther = await escrowOf().address(other);
    const cases: [() => Promise<unknown>, string, string][] = [
      [async () => escrowOf().confirmDeposit(jobId, await pay(escrow, 1_000_000n, paymentMemo({ kind: "deposit", jobId })), 2_000_000n), "wrong_amount", "paid 1000000 lamports into the escrow; job"],
      [async () => escrowOf().confirmDeposit(jobId, await pay(escrow, 2_000_000n, paymentMemo({ kind: "deposit", jobId: other })), 2_000_000n), "other_job", `names job ${other}`],
      [async () => escrowOf().confirmDeposit(jobId, await pay(escrow, 2_000_000n), 2_000_000n), "no_memo", "has no memo"],
      [async () => escrowOf().confirmDeposit(jobId, await pay(escrowOfOther, 2_000_000n, paymentMemo({ kind: "deposit", jobId })), 2_000_000n), "wrong_address", "pays nothing into job"],
      [async () => escrowOf().confirmDeposit(jobId, await pay(escrow, 2_000_000n, paymentMemo({ kind: "deposit", jobId })), 2_000_000n, node.address), "wrong_payer", `not signed by ${node.address}`],
      [() => escrowOf().confirmDeposit(jobId, "5".repeat(88), 1n), "not_finalized", "has no transaction"],
    ];
    for (const [attempt, code, words] of cases) await expect(attempt()).rejects.toMatchObject({ code, message: expect.stringContaining(words) });
    expect(await ledger.transfers(jobId)).toEqual([]);

    // Executed and failed (sent past preflight; 100 lamports cannot open a fresh account): finalized, but it moved nothing.
    const fresh = randomUUID();
    const failing = await client.sign(user, [
      getTransferSolInstruction({ source: user, destination: await escrowOf().address(fresh), amount: lamports(100n) }),
      memo(paymentMemo({ kind: "deposit", jobId: fresh })),
    ]);
    await client.rpc.sendTransaction(failing.wire, { encoding: "base64", skipPreflight: true }).send();
    expect(await client.outcome(failing.signature, failing.lastValidBlockHeight)).toMatchObject({ status: "failed" });
    await expect(escrowOf().confirmDeposit(fresh, failing.signature, 100n)).rejects.toMatchObject({ code: "failed_on_chain" });
    expect(await ledger.transfers(fresh)).toEqual([]);
  });

  it("counts a deposit once: again for its job it is the same row, for another job it is a replay", async () => {
    const jobId = randomUUID();
    const signature = await pay(await escrowOf().address(jobId), 1_500_000n, paymentMemo({ kind: "deposit", jobId }));
    const first = await escrowOf().confirmDeposit(jobId, signature, 1_000_000n, user.address);
    expect(first).toMatchObject({ kind: "deposit", state: "confirmed", lamports: 1_500_000n, fromAddress: user.address, signature });
    expect(await escrowOf().confirmDeposit(jobId, signature, 1_000_000n)).toEqual(first);
    const error = await escrowOf()
      .confirmDeposit(randomUUID(), signature, 1_000_000n)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentError);
    expect(error).toMatchObject({ code: "replayed", message: expect.stringContaining(`already counted (deposit of job ${jobId})`) });
  });

  it("lets an intent go at once when no blockhash can be had to sign it, and a later retry pays once", async () => {
    const { jobId, escrow } = await paidJob(1_000_000n);
    // An RPC endpoint that answers every read but fails the blockhash, as a node falling over mid-operation does.
    const proxy = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        if (body.includes('"getLatestBlockhash"')) return void res.writeHead(503).end();
        void fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body }).then(async (answer) =>
          res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text()),
        );
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const flaky = new ChainClient(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, { pollMs: 10, maxWaitMs: 500 });
      await expect(new Escrow({ ledger, chain: flaky, platform, feeBps: 500 }).release(jobId, 1, node.address, 1_000_000n)).rejects.toThrow(/503/);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
    expect((await ledger.transfers(jobId))[1]).toMatchObject({ state: "expired", signature: null, error: expect.stringContaining("never signed") });
    expect(await escrowOf().release(jobId, 1, node.address, 1_000_000n)).toMatchObject({ moved: true });
    await expectBooksMatchChain(jobId, escrow);
  });

  describe("a crash at every step of a release, then reconciliation", () => {
    const crash = (step: keyof EscrowHooks): EscrowHooks => ({
      [step]: () => {
        throw new Error(`crash ${step}`);
      },
    });
    const price = 1_000_000n;

    it("after the intent: nothing was signed, so it expires, and the retry pays once", async () => {
      const { jobId, escrow } = await paidJob(price);
      const before = await balances();
      await expect(escrowOf(crash("afterIntent")).release(jobId, 1, node.address, price)).rejects.toThrow("crash afterIntent");
      expect(await ledger.transfers(jobId)).toMatchObject([{ kind: "deposit" }, { kind: "release", state: "intent", signature: null }]);
      expect(await balances()).toEqual(before);
      // A fresh intent may be an operation under way elsewhere: a retry leaves it alone until reconciliation expires it.
      await expect(escrowOf().release(jobId, 1, node.address, price)).rejects.toMatchObject({ code: "in_flight" });
      const { settled } = await reconcile(ledger, client);
      expect(settled).toMatchObject([{ state: "expired", error: expect.stringContaining("never signed") }]);
      expect(await escrowOf().release(jobId, 1, node.address, price)).toMatchObject({ moved: true });
      expect(await escrowOf().release(jobId, 1, node.address, price)).toMatchObject({ moved: false });
      expect((await balances()).node - before.node).toBe(950_000n);
      await expectBooksMatchChain(jobId, escrow);
    });

    it("after signing, before sending: it stays open while its blockhash lives, expires after, can never land, and the retry pays once", async () => {
      const { jobId, escrow } = await paidJob(price);
      const before = await balances();
      await expect(escrowOf(crash("afterSign")).release(jobId, 1, node.address, price)).rejects.toThrow("crash afterSign");
      const [, signed] = await ledger.transfers(jobId);
      expect(signed).toMatchObject({ state: "sent", signature: expect.any(String), lastValidBlockHeight: expect.any(BigInt) });
      expect(await reconcile(ledger, client)).toMatchObject({ settled: [], open: [{ id: signed?.id, state: "sent" }] });
      expect(await balances()).toEqual(before);
      chain.svm.advance(151);
      expect((await reconcile(ledger, client)).settled).toMatchObject([{ id: signed?.id, state: "expired" }]);
      expect(await escrowOf().release(jobId, 1, node.address, price)).toMatchObject({ moved: true });
      expect((await balances()).node - before.node).toBe(950_000n);
      expect(await client.transaction(signed?.signature as string)).toBeNull();
      await expectBooksMatchChain(jobId, escrow);
    });

    it("after signing, retried without reconciliation: the retry settles the stale row itself and pays once", async () => {
      const { jobId, escrow } = await paidJob(price);
      const before = await balances();
      await expect(escrowOf(crash("afterSign")).release(jobId, 1, node.address, price)).rejects.toThrow("crash afterSign");
      await expect(escrowOf().release(jobId, 1, node.address, price)).rejects.toMatchObject({ code: "in_flight", message: expect.stringContaining("is sent") });
      chain.svm.advance(151);
      expect(await escrowOf().release(jobId, 1, node.address, price)).toMatchObject({ moved: true });
      expect((await ledger.transfers(jobId)).map((r) => r.state)).toEqual(["confirmed", "expired", "confirmed"]);
      expect((await balances()).node - before.node).toBe(950_000n);
      await expectBooksMatchChain(jobId, escrow);
    });

    it("after sending, before the confirmation is recorded: the chain has it, reconciliation confirms it, and the retry pays nothing more", async () => {
      const { jobId, escrow } = await paidJob(price);
      const before = await balances();
      await expect(escrowOf(crash("afterSend")).release(jobId, 1, node.address, price)).rejects.toThrow("crash afterSend");
      expect((await ledger.transfers(jobId))[1]).toMatchObject({ state: "sent" });
      expect((await balances()).node - before.node).toBe(950_000n);
      expect((await reconcile(ledger, client)).settled).toMatchObject([{ kind: "release", state: "confirmed" }]);
      expect(await escrowOf().release(jobId, 1, node.address, price)).toMatchObject({ moved: false, transfer: { state: "confirmed" } });
      expect((await balances()).node - before.node).toBe(950_000n);
      await expectBooksMatchChain(jobId, escrow);
    });

    it("a refund crashed after sending is found on the chain by the retry itself, and not paid again", async () => {
      const { jobId, escrow } = await paidJob(price);
      const before = await balances();
      await expect(escrowOf(crash("afterSend")).refund(jobId, user.address)).rejects.toThrow("crash afterSend");
      expect(await escrowOf().refund(jobId, user.address)).toMatchObject({ moved: false, transfer: { kind: "refund", state: "confirmed", lamports: price } });
      expect((await balances()).user - before.user).toBe(price);
      await expectBooksMatchChain(jobId, escrow);
    });
  });
});
