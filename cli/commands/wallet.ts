import { open } from "node:fs/promises";
import { address, lamports } from "@solana/kit";
import { ChainClient } from "../../lib/payments/chain-client";
import { newKeypairBytes } from "../../lib/payments/keypair";
import { readKeypairSigner } from "../../worker/wallet-file";
import { paymentClient } from "../client";
import { errorMessage, EXIT, exitCodeFor } from "../exit-codes";
import type { Output } from "../output";
import { lamportsToSol, solToLamports } from "../../lib/payments/sol";

const USAGE = "usage: cyxwiz wallet [new | airdrop SOL] --wallet KEYFILE [--server URL]";

/**
 * The wallet the CLI pays from, on the server's cluster: `cyxwiz wallet --wallet F` says its address
 * and balance; `new` makes the key file (readable by its owner alone); `airdrop SOL` asks the
 * embedded chain's faucet for development SOL.
 */
export async function walletCommand(action: string | undefined, amount: string | undefined, options: { server: string; wallet?: string }, out: Output): Promise<number> {
  if (!options.wallet || (action !== undefined && action !== "new" && action !== "airdrop")) {
    out.error(USAGE);
    return EXIT.invalid;
  }
  try {
    if (action === "new") {
      const bytes = await newKeypairBytes();
      try {
        // "wx": never overwrite a key file, which may hold the only copy of a wallet's key.
        const handle = await open(options.wallet, "wx", 0o600);
        await handle.writeFile(JSON.stringify([...bytes]));
        await handle.close();
      } catch (error) {
        out.error((error as NodeJS.ErrnoException).code === "EEXIST" ? `${options.wallet} exists already: not overwriting a wallet's key` : (error as Error).message);
        return EXIT.invalid;
      } finally {
        bytes.fill(0);
      }
    }
    const signer = await readKeypairSigner(options.wallet);
    const info = await paymentClient(options.server).getPaymentInfo({});
    if (!info.enabled) {
      out.print(out.json ? JSON.stringify({ address: signer.address, payments: false }) : `${signer.address} (this server takes no payments: every job is free)`);
      return EXIT.ok;
    }
    const chain = new ChainClient(info.rpcUrl);
    if (action === "airdrop") {
      const wanted = amount === undefined ? undefined : solToLamports(amount);
      if (wanted === undefined || wanted === 0n) {
        out.error(`airdrop: say how much, in SOL (e.g. cyxwiz wallet airdrop 1 --wallet ${options.wallet})`);
        return EXIT.invalid;
      }
      if (!info.embedded) {
        out.error(`airdrop: ${info.rpcUrl} is not the embedded chain; fund ${signer.address} from a wallet or the cluster's own faucet`);
        return EXIT.invalid;
      }
      const signature = await chain.rpc.requestAirdrop(address(signer.address), lamports(wanted)).send();
      out.error(`airdrop of ${lamportsToSol(wanted)} SOL: transaction ${signature}`);
    }
    const balance = await chain.balance(signer.address);
    out.print(
      out.json
        ? JSON.stringify({ address: signer.address, lamports: balance.toString(), cluster: info.rpcUrl })
        : `${signer.address}  ${lamportsToSol(balance)} SOL on ${info.rpcUrl}${info.embedded ? " (the embedded chain)" : ""}`,
    );
    return EXIT.ok;
  } catch (error) {
    out.error(errorMessage(error));
    return exitCodeFor(error);
  }
}
