import { Code, ConnectError } from "@connectrpc/connect";
import { address, type KeyPairSigner } from "@solana/kit";
import type { Job } from "../gen/cyxwiz/v1/job_pb";
import { ChainClient } from "../lib/payments/chain-client";
import { depositInstructions } from "../lib/payments/deposit";
import { escrowAddress } from "../lib/payments/escrow-address";
import { lamportsToSol } from "../lib/payments/sol";
import { JOB_TOKEN_HEADER } from "../lib/wire/headers";
import { paymentClient } from "./client";
import type { Output } from "./output";

/** How long the CLI asks the server to count a deposit that is not final yet. */
const CONFIRM_ATTEMPTS = 30;

/**
 * Pays a job awaiting payment from the wallet's key: checks that the escrow the server names is the
 * one the platform's published key derives for this job (so the money goes where anyone can audit
 * it), signs the deposit, waits for it on the chain, and has the server count it. Returns the job,
 * queued.
 */
export async function payForJob(server: string, job: Job, wallet: KeyPairSigner, jobToken: string, out: Output): Promise<Job> {
  const payment = job.payment;
  if (!payment) throw new Error(`job ${job.id} is free: there is nothing to pay`);
  const payments = paymentClient(server);
  const info = await payments.getPaymentInfo({});
  const derived = await escrowAddress(address(info.platformAddress), job.id);
  if (derived !== payment.escrowAddress) {
    throw new Error(`not paying: the server names ${payment.escrowAddress} as job ${job.id}'s escrow, but the platform key ${info.platformAddress} derives ${derived}`);
  }
  out.error(`paying ${lamportsToSol(payment.priceLamports)} SOL (${payment.priceLamports} lamports) from ${wallet.address} into job ${job.id}'s escrow ${derived}…`);
  const chain = new ChainClient(info.rpcUrl, { maxWaitMs: 90_000 });
  const deposit = await chain.sign(wallet, depositInstructions(wallet, derived, payment.priceLamports, job.id));
  const outcome = await chain.sendAndConfirm(deposit);
  if (outcome.status !== "confirmed") {
    const hint = info.embedded ? " (the embedded chain has a faucet: cyxwiz wallet airdrop 1 --wallet KEYFILE)" : "";
    throw new Error(
      `the deposit ${deposit.signature} ${outcome.status === "failed" ? `failed: ${outcome.error}` : outcome.status === "expired" ? "expired before it landed: nothing was paid" : "is not final yet"}${hint}`,
    );
  }
  const withToken = jobToken ? { headers: { [JOB_TOKEN_HEADER]: jobToken } } : {};
  for (let attempt = 1; ; attempt++) {
    try {
      const { job: paid } = await payments.confirmDeposit({ jobId: job.id, signature: deposit.signature }, withToken);
      out.error(`paid: transaction ${deposit.signature}; job ${job.id} is queued`);
      return paid ?? job;
    } catch (error) {
      // Not final on the server's view of the chain yet: ask again shortly.
      if (!(error instanceof ConnectError && error.code === Code.FailedPrecondition) || attempt >= CONFIRM_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
