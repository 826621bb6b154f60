import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generateKeyPairSigner, lamports, type KeyPairSigner } from "@solana/kit";
import { fetchToken, getCloseAccountInstruction, getTokenSize, getTransferInstruction } from "@solana-program/token";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChainClient } from "../../lib/payments/chain-client";
import { startEmbeddedChain, type EmbeddedChain } from "../chain/embedded-chain";
import { PlatformKey } from "../chain/platform-key";
import { MultisigEscrow, NATIVE_MINT, type MultisigVault } from "./multisig";

const SOL = 1_000_000_000n;

describe("the trust-minimised escrow: wrapped SOL under a 2-of-3 multisig of user, platform and node", () => {
  let chain: EmbeddedChain;
  let client: ChainClient;
  let dataDir: string;
  let platform: PlatformKey;
  let user: KeyPairSigner;
  let node: KeyPairSigner;
  let treasury: KeyPairSigner;
  let escrow: MultisigEscrow;
  let vaultRent: bigint;

  beforeAll(async () => {
    chain = await startEmbeddedChain();
    client = new ChainClient(chain.url, { pollMs: 10, maxWaitMs: 3_000 });
    dataDir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-msig-"));
    [user, node, treasury] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner(), generateKeyPairSigner()]);
    platform = await PlatformKey.load({ dataDir, treasury: treasury.address });
    for (const who of [platform.address, user.address, node.address, treasury.address]) await client.rpc.requestAirdrop(who, lamports(SOL)).send();
    escrow = new MultisigEscrow({ chain: client, platform, feeBps: 500 });
    vaultRent = await client.minimumBalanceForRentExemption(getTokenSize());
  });
  afterAll(async () => {
    await chain.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const balances = async () => ({
    user: await client.balance(user.address),
    node: await client.balance(node.address),
    treasury: await client.balance(treasury.address),
    platform: await client.balance(platform.address),
  });

  async function funded(price: bigint): Promise<MultisigVault> {
    const { vault, outcome } = await escrow.deposit(randomUUID(), user, node.address, price);
    expect(outcome.status).toBe("confirmed");
    const token = await fetchToken(client.rpc, vault.vault);
    expect(token.data).toMatchObject({ mint: NATIVE_MINT, owner: vault.multisig, amount: price });
    return vault;
  }

  it("does not let the platform alone move the funds, by closing the vault or by transferring from it", async () => {
    const vault = await funded(100_000_000n);
    const before = { ...(await balances()), vault: await client.balance(vault.vault) };
    const close = await client.sendAndConfirm(
      await client.sign(platform.signer, [getCloseAccountInstruction({ account: vault.vault, destination: platform.address, owner: vault.multisig, multiSigners: [platform.signer] })]),
    );
    expect(close).toMatchObject({ status: "failed", error: expect.stringContaining("Transaction simulation failed") });
    const transfer = await client.sendAndConfirm(
      await client.sign(platform.signer, [getTransferInstruction({ source: vault.vault, destination: vault.vault, authority: vault.multisig, multiSigners: [platform.signer], amount: 1n })]),
    );
    expect(transfer.status).toBe("failed");
    expect({ ...(await balances()), vault: await client.balance(vault.vault) }).toEqual(before);
  });

  it("releases with the platform and the node: the node nets its pay minus the fee, the treasury the fee, the user the rest and the vault's rent", async () => {
    const vault = await funded(100_000_000n);
    const before = await balances();
    expect(await escrow.release(vault, node, 1, 60_000_000n)).toMatchObject({ status: "confirmed" });
    const after = await balances();
    expect(after.node - before.node).toBe(57_000_000n);
    expect(after.treasury - before.treasury).toBe(3_000_000n);
    expect(after.user - before.user).toBe(40_000_000n + vaultRent);
    // The platform pays the fee for both signatures, its own and the node's.
    expect(after.platform - before.platform).toBe(-10_000n);
    expect(await client.balance(vault.vault)).toBe(0n);
    // SPL multisig accounts cannot be closed: their rent stays.
    expect((await client.rpc.getAccountInfo(vault.multisig, { encoding: "base64" }).send()).value).not.toBeNull();
    await expect(escrow.release(vault, node, 1, 60_000_000n)).rejects.toMatchObject({ code: "insufficient_escrow", message: expect.stringContaining("is closed") });
  });

  it("refunds with the platform and the user: the whole deposit and the vault's rent", async () => {
    const vault = await funded(50_000_000n);
    const before = await balances();
    expect(await escrow.refund(vault, user)).toMatchObject({ status: "confirmed" });
    expect((await balances()).user - before.user).toBe(50_000_000n + vaultRent);
    expect(await client.balance(vault.vault)).toBe(0n);
  });

  it("refuses a release signed for another node", async () => {
    const vault = await funded(10_000_000n);
    await expect(escrow.release(vault, user, 1, 10_000_000n)).rejects.toMatchObject({ code: "wrong_payer" });
  });
});
