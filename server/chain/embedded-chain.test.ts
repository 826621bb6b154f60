import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { address, generateKeyPairSigner, getTransactionDecoder, lamports, type KeyPairSigner } from "@solana/kit";
import { getAddMemoInstruction } from "@solana-program/memo";
import { getTransferSolInstruction } from "@solana-program/system";
import { fetchToken, findAssociatedTokenPda, getCreateAssociatedTokenIdempotentInstructionAsync, TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEMO_PROGRAM } from "../../lib/payments/escrow-address";
import { ChainStore } from "./chain-store";
import { ChainClient } from "../../lib/payments/chain-client";
import { startEmbeddedChain, type EmbeddedChain } from "./embedded-chain";
import { EmbeddedSvm } from "./embedded-svm";
import { loadOrCreateKeypairFile } from "./keypair-file";

const SOL = 1_000_000_000n;
const NATIVE_MINT = address("So11111111111111111111111111111111111111112");
const memo = (text: string) => getAddMemoInstruction({ memo: text }, { programAddress: MEMO_PROGRAM });

async function rpc(url: string, method: string, params: unknown[] = []): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return (await response.json()) as never;
}

describe("the embedded chain through @solana/kit", () => {
  let chain: EmbeddedChain;
  let client: ChainClient;
  let alice: KeyPairSigner;
  let bob: KeyPairSigner;

  beforeAll(async () => {
    chain = await startEmbeddedChain({ airdropMaxLamports: 5n * SOL });
    client = new ChainClient(chain.url, { pollMs: 20, maxWaitMs: 2_000 });
    [alice, bob] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
    await client.rpc.requestAirdrop(alice.address, lamports(2n * SOL)).send();
  });
  afterAll(() => chain.stop());

  it("answers in a cluster's shapes", async () => {
    const { context, value } = await client.rpc.getLatestBlockhash().send();
    expect(value.lastValidBlockHeight).toBe(context.slot + 150n);
    expect(await client.rpc.getHealth().send()).toBe("ok");
    expect(await client.rpc.getMinimumBalanceForRentExemption(0n).send()).toBe(890_880n);
    expect(await client.balance(alice.address)).toBe(2n * SOL);
    const info = await client.rpc.getAccountInfo(alice.address, { encoding: "base64" }).send();
    expect(info.value).toMatchObject({ lamports: 2n * SOL, owner: "11111111111111111111111111111111", data: ["", "base64"], executable: false });
    expect((await client.rpc.getAccountInfo(bob.address, { encoding: "base64" }).send()).value).toBeNull();
    expect(await client.account(alice.address)).toEqual({ lamports: 2n * SOL, owner: "11111111111111111111111111111111", data: new Uint8Array(), executable: false });
    expect(await client.account(bob.address)).toBeNull();
    const many = await client.rpc.getMultipleAccounts([alice.address, bob.address], { encoding: "base64" }).send();
    expect(many.value.map((a) => a?.lamports ?? null)).toEqual([2n * SOL, null]);
    expect(await rpc(chain.url, "noSuchMethod")).toMatchObject({ error: { code: -32601 } });
    const slot = await client.rpc.getSlot().send();
    expect(await client.rpc.getBlockHeight().send()).toBeGreaterThanOrEqual(slot);
    expect(await client.rpc.getGenesisHash().send()).toBe(chain.svm.genesisHash);
    expect((await client.rpc.getVersion().send())["solana-core"]).toMatch(/^2\./);
    expect((await client.rpc.getEpochInfo().send()).absoluteSlot).toBeGreaterThanOrEqual(slot);
    expect((await client.rpc.isBlockhashValid(value.blockhash).send()).value).toBe(true);
    expect((await client.rpc.isBlockhashValid("11111111111111111111111111111111" as never).send()).value).toBe(false);
    const unsent = await client.sign(alice, [getTransferSolInstruction({ source: alice, destination: bob.address, amount: lamports(1n) })]);
    const message = getTransactionDecoder().decode(Buffer.from(unsent.wire, "base64")).messageBytes;
    expect((await client.rpc.getFeeForMessage(Buffer.from(message).toString("base64") as never).send()).value).toBe(5000n);
  });

  it("executes a transfer with a memo, final at once, and reads it back in either encoding", async () => {
    const tx = await client.sign(alice, [getTransferSolInstruction({ source: alice, destination: bob.address, amount: lamports(SOL) }), memo("cyxwiz:test")]);
    expect(await client.sendAndConfirm(tx)).toMatchObject({ status: "confirmed", signature: tx.signature });
    expect(await client.balance(bob.address)).toBe(SOL);
    expect(await client.balance(alice.address)).toBe(SOL - 5000n);
    const read = await client.transaction(tx.signature);
    expect(read).toMatchObject({ err: null, signers: [alice.address] });
    expect(read?.instructions.map((ix) => ix.program)).toEqual(["11111111111111111111111111111111", MEMO_PROGRAM]);
    expect(new TextDecoder().decode(read?.instructions[1]?.data)).toBe("cyxwiz:test");
    const bobIndex = read?.accountKeys.indexOf(bob.address) ?? -1;
    expect((read?.postBalances[bobIndex] ?? 0n) - (read?.preBalances[bobIndex] ?? 0n)).toBe(SOL);
    const json = (await rpc(chain.url, "getTransaction", [tx.signature, { encoding: "json", maxSupportedTransactionVersion: 0 }])).result as {
      meta: { fee: number; logMessages: string[] };
      transaction: { signatures: string[]; message: { accountKeys: string[] } };
    };
    expect(json.meta.fee).toBe(5000);
    expect(json.meta.logMessages).toContain("Program log: cyxwiz:test");
    expect(json.transaction.signatures).toEqual([tx.signature]);
    expect(await rpc(chain.url, "getTransaction", [tx.signature])).toMatchObject({ error: { code: -32015 } });
  });

  it("refuses a failing transaction at preflight with the logs, and changes nothing", async () => {
    const before = await client.balance(alice.address);
    // Takes Alice below the rent-exempt minimum without emptying her account.
    const tx = await client.sign(alice, [getTransferSolInstruction({ source: alice, destination: bob.address, amount: lamports(before - 5000n - 1000n) })]);
    const outcome = await client.sendAndConfirm(tx);
    expect(outcome).toMatchObject({ status: "failed", signature: tx.signature });
    expect(outcome.status === "failed" && outcome.error).toMatch(/^Transaction simulation failed/);
    expect(await client.balance(alice.address)).toBe(before);
    expect((await client.rpc.getSignatureStatuses([tx.signature]).send()).value).toEqual([null]);
    const raw = await rpc(chain.url, "sendTransaction", [tx.wire, { encoding: "base64" }]);
    expect(raw.error).toMatchObject({ code: -32002, data: { err: { InsufficientFundsForRent: { account_index: 0 } } } });
  });

  it("refuses a transaction whose signature does not verify", async () => {
    const tx = await client.sign(alice, [getTransferSolInstruction({ source: alice, destination: bob.address, amount: lamports(1000n) })]);
    const wire = Buffer.from(tx.wire, "base64");
    wire[1] = (wire[1] ?? 0) ^ 0xff;
    const raw = await rpc(chain.url, "sendTransaction", [wire.toString("base64"), { encoding: "base64" }]);
    expect(raw.error).toMatchObject({ code: -32002, data: { err: "SignatureFailure" } });
  });

  it("refuses a replay", async () => {
    const tx = await client.sign(alice, [getTransferSolInstruction({ source: alice, destination: bob.address, amount: lamports(1000n) })]);
    expect(await client.sendAndConfirm(tx)).toMatchObject({ status: "confirmed" });
    expect(await client.send(tx)).toMatchObject({ status: "failed", error: expect.stringContaining("already been processed") });
  });

  it("expires a blockhash 150 blocks on: the transaction is refused, and one never sent is known never to land", async () => {
    const tx = await client.sign(alice, [getTransferSolInstruction({ source: alice, destination: bob.address, amount: lamports(1000n) })]);
    expect(await client.outcome(tx.signature, tx.lastValidBlockHeight)).toMatchObject({ status: "pending" });
    chain.svm.advance(151);
    expect(await client.outcome(tx.signature, tx.lastValidBlockHeight)).toEqual({ status: "expired", signature: tx.signature });
    expect(await client.send(tx)).toMatchObject({ status: "failed", error: expect.stringContaining("Blockhash not found") });
  });

  it("has the programs payments build on: System, SPL Token with wrapped SOL, Associated Token, Memo v3", async () => {
    const [ata] = await findAssociatedTokenPda({ owner: bob.address, mint: NATIVE_MINT, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    const tx = await client.sign(alice, [await getCreateAssociatedTokenIdempotentInstructionAsync({ payer: alice, owner: bob.address, mint: NATIVE_MINT }), memo("ata")]);
    expect(await client.sendAndConfirm(tx)).toMatchObject({ status: "confirmed" });
    expect((await fetchToken(client.rpc, ata)).data).toMatchObject({ mint: NATIVE_MINT, owner: bob.address, amount: 0n });
  });

  it("caps an airdrop", async () => {
    expect(await rpc(chain.url, "requestAirdrop", [bob.address, Number(6n * SOL)])).toMatchObject({ error: { message: expect.stringContaining("over this faucet's limit") } });
  });
});

describe("the embedded chain's state on disk", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-chain-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("keeps balances, transactions and the clock across a stop and a start", async () => {
    const first = await startEmbeddedChain({ dir: path.join(dir, "a") });
    const client = new ChainClient(first.url, { pollMs: 20 });
    const [alice, bob] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
    await client.rpc.requestAirdrop(alice.address, lamports(3n * SOL)).send();
    const tx = await client.sign(alice, [getTransferSolInstruction({ source: alice, destination: bob.address, amount: lamports(SOL) })]);
    expect(await client.sendAndConfirm(tx)).toMatchObject({ status: "confirmed" });
    const slot = first.svm.slot();
    const genesis = first.svm.genesisHash;
    await first.stop();
    expect((await stat(path.join(dir, "a", "snapshot.json"))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, "a", "faucet.json"))).mode & 0o777).toBe(0o600);

    const second = await startEmbeddedChain({ dir: path.join(dir, "a") });
    const again = new ChainClient(second.url);
    expect(second.svm.genesisHash).toBe(genesis);
    expect(second.svm.slot()).toBeGreaterThan(slot);
    expect(await again.balance(alice.address)).toBe(2n * SOL - 5000n);
    expect(await again.balance(bob.address)).toBe(SOL);
    expect(await again.transaction(tx.signature)).toMatchObject({ err: null, signers: [alice.address] });
    expect(await again.send(tx)).toMatchObject({ status: "failed", error: expect.stringContaining("already been processed") });
    // The faucet still works, from the same funded key.
    await again.rpc.requestAirdrop(bob.address, lamports(SOL)).send();
    expect(await again.balance(bob.address)).toBe(2n * SOL);
    await second.stop();
  });

  it("keeps what the journal holds when the process dies without writing a snapshot", async () => {
    const store = new ChainStore(path.join(dir, "b"));
    const faucet = await loadOrCreateKeypairFile(path.join(dir, "b", "faucet.json"));
    const crashed = new EmbeddedSvm({ store, faucet, slotMs: 400 });
    const alice = await generateKeyPairSigner();
    const signature = await crashed.airdrop(alice.address, SOL);
    expect(await readFile(path.join(dir, "b", "journal.jsonl"), "utf8")).toContain(signature);
    store.close();
    const restored = new EmbeddedSvm({ store: new ChainStore(path.join(dir, "b")), faucet, slotMs: 400 });
    expect(restored.genesisHash).toBe(crashed.genesisHash);
    expect(restored.balance(alice.address)).toBe(SOL);
    expect(restored.transaction(signature)).toMatchObject({ err: null });
    expect(restored.slot()).toBeGreaterThan(crashed.slot() - 1);
  });

  it("moves its clock on with time", async () => {
    const chain = await startEmbeddedChain({ slotMs: 10 });
    const before = chain.svm.slot();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(chain.svm.slot()).toBeGreaterThanOrEqual(before + 4);
    await chain.stop();
  });
});
