import { readFile } from "node:fs/promises";
import { findTemplate } from "../../lib/graph/templates";
import { submitJobOnce } from "../../lib/wire/submit-job";
import { JOB_TOKEN_HEADER } from "../../lib/wire/headers";
import { jobClient } from "../client";
import { errorMessage, EXIT, exitCodeFor } from "../exit-codes";
import { rememberJobToken } from "../job-tokens";
import { jobJson, type Output } from "../output";
import { hyperparametersFrom, type TrainingFlags } from "../training-flags";
import { statusCommand } from "./status";
import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import { readKeypairSigner } from "../../worker/wallet-file";
import { solToLamports } from "../../lib/payments/sol";
import { payForJob } from "../payment";

export interface SubmitOptions extends TrainingFlags {
  server: string;
  name?: string;
  watch: boolean;
  public: boolean;
  /** With watch: where to save the trained model once the job completes. */
  out?: string;
  /** The most to pay, in SOL; with it the job is priced and paid from `wallet`. */
  maxPrice?: string;
  /** A keypair file: the wallet that pays a priced job. */
  wallet?: string;
}

/** Submits a template by id or a graph file; prints the job id (or the job as JSON). */
export async function submitCommand(source: string | undefined, options: SubmitOptions, out: Output): Promise<number> {
  if (!source) {
    out.error(
      "usage: cyxwiz submit <graph.json | template-id> [--dataset dataset:NAME] [--epochs N] [--batch-size N] [--learning-rate X] [--public] [--max-price SOL --wallet KEYFILE] [--watch [--out model.zip]]",
    );
    return EXIT.invalid;
  }
  const template = findTemplate(source);
  let modelDefinition: string;
  try {
    modelDefinition = template ? JSON.stringify(template.graph) : await readFile(source, "utf8");
  } catch (error) {
    out.error(`"${source}" is neither a template id nor a readable file: ${(error as Error).message}`);
    return EXIT.invalid;
  }
  if (options.out && !options.watch) {
    out.error("--out saves the model once the job completes: use it with --watch (or later: cyxwiz download <job-id> --out FILE)");
    return EXIT.invalid;
  }
  const maxPriceLamports = options.maxPrice === undefined ? 0n : solToLamports(options.maxPrice);
  if (maxPriceLamports === undefined) {
    out.error(`--max-price is an amount of SOL, like 0.01; not "${options.maxPrice}"`);
    return EXIT.invalid;
  }
  if (maxPriceLamports > 0n && !options.wallet) {
    out.error("--max-price needs --wallet KEYFILE: the wallet that pays (cyxwiz wallet new --wallet KEYFILE makes one)");
    return EXIT.invalid;
  }
  try {
    const wallet = maxPriceLamports > 0n && options.wallet ? await readKeypairSigner(options.wallet) : undefined;
    const submitted = await submitJobOnce(jobClient(options.server), {
      config: {
        name: options.name ?? template?.name ?? "",
        modelDefinition,
        datasetUri: options.dataset ?? (template ? `dataset:${template.dataset}` : ""),
        hyperparameters: hyperparametersFrom(options, template),
      },
      public: options.public,
      maxPriceLamports,
      payerAddress: wallet?.address ?? "",
    });
    const { jobToken } = submitted;
    let { job } = submitted;
    if (!job) throw new Error("server returned no job");
    // Submitted without an API key: the token is the only way to cancel, pause or deploy the job later, and is answered only now.
    if (jobToken)
      out.error(`job token kept in ${await rememberJobToken(options.server, job.id, jobToken)}: send it in "${JOB_TOKEN_HEADER}" to read, cancel, pause, resume, delete or deploy job ${job.id}`);
    if (job.status === JobStatus.AWAITING_PAYMENT && wallet) job = await payForJob(options.server, job, wallet, jobToken, out);
    out.print(out.json ? JSON.stringify(jobJson(job), null, 2) : job.id);
    return options.watch ? await statusCommand(job.id, { server: options.server, watch: true, out: options.out }, { ...out, json: false, print: out.error }) : EXIT.ok;
  } catch (error) {
    out.error(errorMessage(error));
    return exitCodeFor(error);
  }
}
