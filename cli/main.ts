import { parseArgs } from "node:util";
import { serverUrlFrom } from "./client";
import { EXIT } from "./exit-codes";
import { consoleOutput } from "./output";
import { trainingFlags } from "./training-flags";

export const HELP = `cyxwiz — train neural networks on the CyxWiz network

Usage:
  cyxwiz templates [--json]                      built-in model templates
  cyxwiz layers [--json]                         every node type and its parameters
  cyxwiz validate <graph.json|-> [--json]        check a model graph: errors, shapes, parameters, FLOPs
  cyxwiz codegen --target pytorch|keras|tfjs <graph.json|template-id>
                                                 the model as source code
  cyxwiz train <graph.json|template-id> [--dataset NAME] [--epochs N] [--out model.zip]
                                                 train here (Node, wasm backend); progress on stderr
  cyxwiz submit <graph.json|template-id> [options]
      --dataset URI          dataset:NAME or sha256:HEX (a template brings its own)
      --epochs N --batch-size N --learning-rate X --optimizer adam|sgd
      --validation-split X --seed N --name TEXT
      --early-stopping N (epochs without improvement) --clip-norm X (largest gradient norm)
      --checkpoint-every N   checkpoint every N epochs, for resuming elsewhere (default 1, 0 never)
      --public               anyone may read the job, its curves, logs and model (default: only you)
      --max-price SOL        pay for the job, at most this much (default: a free job)
      --wallet KEYFILE       the wallet that pays (a Solana CLI keypair file)
      --watch                follow the job until it ends, then print its final metrics
      --out FILE             with --watch: save the trained model there once it completes
  cyxwiz status <job-id> [--watch] [--json]      a job's state; --watch follows it live
  cyxwiz download <job-id> [--out FILE]          save a completed job's model (tfjs model.json + weights, zipped)
  cyxwiz wallet [new | airdrop SOL] --wallet KEYFILE
                                                 the paying wallet: address and balance; new makes one; airdrop
                                                 asks the embedded chain's faucet for development SOL
  cyxwiz worker [options]                        make this machine a compute node (cyxwiz worker --help)

Common options:
  --server URL   central server (default $CYXWIZ_SERVER_URL or http://localhost:50051)
  --json         machine-readable output

Environment:
  CYXWIZ_API_KEY an API key (cwk_…): jobs you submit are yours, and servers that require sign-in accept them;
                 without one, a job is read and changed with the job token kept in ~/.config/cyxwiz/job-tokens.json

Exit codes: 0 success, 1 invalid input, 2 server unreachable.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "worker") return worker(rest);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false },
        watch: { type: "boolean", default: false },
        public: { type: "boolean", default: false },
        "max-price": { type: "string" },
        wallet: { type: "string" },
        server: { type: "string" },
        dataset: { type: "string" },
        name: { type: "string" },
        epochs: { type: "string" },
        "batch-size": { type: "string" },
        "learning-rate": { type: "string" },
        optimizer: { type: "string" },
        "validation-split": { type: "string" },
        seed: { type: "string" },
        "early-stopping": { type: "string" },
        "clip-norm": { type: "string" },
        "checkpoint-every": { type: "string" },
        target: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    console.error(`cyxwiz: ${(error as Error).message}\n\n${HELP}`);
    return EXIT.invalid;
  }
  const { values, positionals } = parsed;
  const out = consoleOutput(values.json);
  const server = serverUrlFrom(values.server);
  // Each command loads only what it needs: a listing must not wait for TensorFlow.js or Chromium's driver.
  switch (command) {
    case "templates":
      return (await import("./commands/templates")).templatesCommand(out);
    case "layers":
      return (await import("./commands/layers")).layersCommand(out);
    case "codegen":
      return (await import("./commands/codegen")).codegenCommand(positionals[0], values.target, out);
    case "train":
      return (await import("./commands/train")).trainCommand(positionals[0], { ...trainingFlags(values), server, out: values.out }, out);
    case "validate":
      return (await import("./commands/validate")).validateCommand(positionals[0], out);
    case "submit":
      return (await import("./commands/submit")).submitCommand(
        positionals[0],
        { ...trainingFlags(values), server, name: values.name, watch: values.watch, public: values.public, out: values.out, maxPrice: values["max-price"], wallet: values.wallet },
        out,
      );
    case "wallet":
      return (await import("./commands/wallet")).walletCommand(positionals[0], positionals[1], { server, wallet: values.wallet }, out);
    case "download":
      return (await import("./commands/download")).downloadCommand(positionals[0], { server, out: values.out }, out);
    case "status":
      return (await import("./commands/status")).statusCommand(positionals[0], { server, watch: values.watch }, out);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(HELP);
      return EXIT.ok;
    default:
      console.error(`cyxwiz: unknown command "${command}"\n\n${HELP}`);
      return EXIT.invalid;
  }
}

async function worker(argv: string[]): Promise<number> {
  const { parseWorkerOptions, UsageError, WORKER_HELP } = await import("../worker/options");
  try {
    const options = parseWorkerOptions(argv);
    if (options === "help") {
      console.log(WORKER_HELP);
      return EXIT.ok;
    }
    const controller = new AbortController();
    for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => controller.abort());
    await (await import("../worker/main")).runWorker(options, controller.signal);
    return EXIT.ok;
  } catch (error) {
    console.error(error instanceof UsageError ? `cyxwiz worker: ${error.message}` : error);
    return EXIT.invalid;
  }
}
