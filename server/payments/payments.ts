import path from "node:path";
import type { Address } from "@solana/kit";
import { ChainClient } from "../../lib/payments/chain-client";
import { startEmbeddedChain, type EmbeddedChain } from "../chain/embedded-chain";
import { PlatformKey } from "../chain/platform-key";
import type { ServerConfig } from "../config";
import type { Prisma } from "../db/database";
import type { Logger } from "../log";
import { Escrow } from "./escrow";
import { PaymentLedger } from "./ledger";
import { reconcile, type Reconciliation } from "./reconcile";

export interface Payments {
  /** The cluster's JSON-RPC URL: SOLANA_RPC_URL, or the embedded chain's. */
  rpcUrl: string;
  /** Present when the chain is the embedded one, run by this process. */
  embedded?: EmbeddedChain;
  chain: ChainClient;
  platform: PlatformKey;
  ledger: PaymentLedger;
  escrow: Escrow;
  /** What reconciliation found on start. */
  reconciled: Reconciliation;
  close(): Promise<void>;
}

/** What the embedded chain's faucet keeps the platform key (which pays every release's fee) and the treasury topped up to. */
const EMBEDDED_FLOAT = 10_000_000_000n;

/**
 * Payments for a server: the chain (SOLANA_RPC_URL, or the embedded chain started here on
 * `CYXWIZ_CHAIN_PORT` with its state under `<data dir>/chain`), the platform key, the ledger and the
 * escrow, with every open transfer reconciled before anything else runs. Null when payments are off.
 *
 * The embedded chain belongs to one server process: instances sharing a database must share a chain
 * too, so run `server/chain/main.ts` once and point every instance's SOLANA_RPC_URL at it.
 */
export async function openPayments(config: ServerConfig, prisma: Prisma, log: Logger): Promise<Payments | null> {
  const settings = config.payments;
  if (!settings.enabled) return null;
  const embedded = settings.rpcUrl
    ? undefined
    : await startEmbeddedChain({ dir: path.join(config.dataDir, "chain"), host: "127.0.0.1", port: settings.chainPort, airdropMaxLamports: settings.faucetMaxLamports });
  const rpcUrl = settings.rpcUrl ?? (embedded as EmbeddedChain).url;
  try {
    const chain = new ChainClient(rpcUrl);
    const platform = await PlatformKey.load({ keyFile: settings.escrowKeyFile, dataDir: config.dataDir, treasury: settings.treasuryAddress });
    if (embedded) for (const account of new Set<Address>([platform.address, platform.treasury])) await topUp(embedded, account);
    const ledger = new PaymentLedger(prisma);
    const escrow = new Escrow({ ledger, chain, platform, feeBps: settings.feeBps });
    const reconciled = await reconcile(ledger, chain);
    log.info(
      { rpcUrl, embedded: Boolean(embedded), platformKey: platform.address, treasury: platform.treasury, settled: reconciled.settled.length, open: reconciled.open.length },
      embedded ? "payments ready on the embedded chain" : "payments ready",
    );
    return {
      rpcUrl,
      embedded,
      chain,
      platform,
      ledger,
      escrow,
      reconciled,
      close: async () => {
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

async function topUp(chain: EmbeddedChain, account: Address): Promise<void> {
  const balance = chain.svm.balance(account);
  if (balance < EMBEDDED_FLOAT / 2n) await chain.svm.airdrop(account, EMBEDDED_FLOAT - balance);
}
