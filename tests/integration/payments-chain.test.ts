import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generateKeyPairSigner, lamports, type KeyPairSigner } from "@solana/kit";
import { getAddMemoInstruction } from "@solana-program/memo";
import { getTransferSolInstruction } from "@solana-program/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEMO_PROGRAM } from "../../lib/payments/escrow-address";
import { paymentMemo } from "../../lib/payments/memo";
import { estimatePrice } from "../../lib/payments/pricing";
import { ChainClient } from "../../lib/payments/chain-client";
import { PlatformKey } from "../../server/chain/platform-key";
import { loadConfig } from "../../server/config";
import { IN_MEMORY, openDatabase, type Database } from "../../server/db/database";
import { Escrow } from "../../server/payments/escrow";
import { PaymentLedger } from "../../server/payments/ledger";
import { reconcile } from "../../server/payments/reconcile";
import { startChainProcess, type ChainProcess } from "../helpers/chain-process";

const SOL = 1_000_000_000n;

/**
 * The cluster code path: the embedded chain runs as a process of its own and the server's payment
 * code reaches it only through SOLANA_RPC_URL, as it would devnet. Killed without warning, the chain
 * comes back with every lamport where it was.
 */
describe("payments through SOLANA_RPC_URL against the chain as a separate process", () => {
  let dir: string;
  let chainProcess: ChainProcess;
  let db: Database;
  let platform: PlatformKey;
  let user: KeyPairSigner;
  let node: KeyPairSigner;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-payments-"));
    chainProcess = await startChainProcess(path.join(dir, "chain"));
    db = await openDatabase({ url: IN_MEMORY, dataDir: dir });
    platform = await PlatformKey.load({ dataDir: dir });
    [user, node] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
  });
  afterAll(async () => {
    await chainProcess.stop();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const clientFor = (url: string) => {
    const config = loadConfig({ SOLANA_RPC_URL: url, CYXWIZ_PLATFORM_FEE_BPS: "500" });
    return { client: new ChainClient(config.payments.rpcUrl as string, { pollMs: 50, maxWaitMs: 10_000 }), feeBps: config.payments.feeBps };
  };

  it("prices a job, takes its deposit, releases it to the node with the fee to the treasury, to the lamport, and keeps it all through a kill -9", async () => {
    const { client, feeBps } = clientFor(chainProcess.url);
    for (const [who, amount] of [
      [platform.address, 2n * SOL],
      [user.address, 5n * SOL],
      [node.address, SOL / 100n],
    ] as const) {
      await client.rpc.requestAirdrop(who, lamports(amount)).send();
    }
    const escrow = new Escrow({ ledger: new PaymentLedger(db.prisma), chain: client, platform, feeBps });
    const jobId = randomUUID();
    const { lamports: price } = estimatePrice({ forwardFlopsPerSample: 1e8, samples: 60_000, epochs: 10, lamportsPerTflop: 1_000_000, minimumLamports: 890_880 });
    expect(price).toBe(180_000_000n);

    const escrowAddress = await escrow.address(jobId);
    const deposit = await client.sign(user, [
      getTransferSolInstruction({ source: user, destination: escrowAddress, amount: lamports(price) }),
      getAddMemoInstruction({ memo: paymentMemo({ kind: "deposit", jobId }) }, { programAddress: MEMO_PROGRAM }),
    ]);
    expect(await client.sendAndConfirm(deposit)).toMatchObject({ status: "confirmed" });
    expect(await escrow.confirmDeposit(jobId, deposit.signature, price, user.address)).toMatchObject({ state: "confirmed", lamports: price });
    expect(await client.balance(user.address)).toBe(5n * SOL - price - 5000n);
    expect(await client.balance(escrowAddress)).toBe(price);

    const released = await escrow.release(jobId, 1, node.address, price);
    expect(released).toMatchObject({ moved: true, transfer: { state: "confirmed", feeLamports: 9_000_000n } });
    const expected = { node: SOL / 100n + 171_000_000n, platform: 2n * SOL - 5000n + 9_000_000n, escrow: 0n };
    const read = async (c: ChainClient) => ({ node: await c.balance(node.address), platform: await c.balance(platform.address), escrow: await c.balance(escrowAddress) });
    expect(await read(client)).toEqual(expected);

    await chainProcess.kill();
    chainProcess = await startChainProcess(path.join(dir, "chain"));
    const { client: after } = clientFor(chainProcess.url);
    expect(await read(after)).toEqual(expected);
    expect(await after.transaction(released.transfer.signature as string)).toMatchObject({ err: null, signers: [platform.address] });
    const escrowAfter = new Escrow({ ledger: new PaymentLedger(db.prisma), chain: after, platform, feeBps });
    expect(await escrowAfter.release(jobId, 1, node.address, price)).toMatchObject({ moved: false, transfer: { id: released.transfer.id } });
    expect(await reconcile(new PaymentLedger(db.prisma), after)).toEqual({ settled: [], open: [] });
    expect(await read(after)).toEqual(expected);
  });
});
