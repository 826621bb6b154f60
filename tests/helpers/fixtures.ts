import { randomBytes, randomUUID } from "node:crypto";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import type { Access } from "../../server/auth/capability";
import type { ServerContext } from "../../server/context";
import type { NewJob } from "../../server/jobs/sql/create-job";
import type { NewNode } from "../../server/nodes/node-store";

/** A queued MLP job on the built-in digits, with whatever the test wants to differ; without a user, it has a job token as an anonymous submission's has (jobTokenOf). */
export async function queueJob(ctx: ServerContext, overrides: Partial<NewJob> = {}) {
  const dataset = await ctx.datasets.resolve("dataset:mnist-digits");
  if (!dataset) throw new Error("built-in digits are missing");
  const id = overrides.id ?? randomUUID();
  const { job } = await ctx.jobs.create({
    id,
    ...(overrides.userId ? {} : { tokenHash: ctx.tokens.jobCapability(id).hash }),
    name: "test job",
    jobType: "TRAINING",
    priority: 2,
    modelConfig: mlpDigits.graph,
    hyperparameters: { epochs: 1, batchSize: 64, learningRate: 0.001, optimizer: "adam", validationSplit: 0.1, seed: 1 },
    datasetUri: "dataset:mnist-digits",
    datasetId: dataset.id,
    datasetSha256: dataset.sha256,
    estimatedMemory: 1_000_000n,
    totalEpochs: 1,
    ...overrides,
  });
  return job;
}

/** The job token an anonymous job's submitter holds. */
export const jobTokenOf = (ctx: ServerContext, jobId: string): string => ctx.tokens.jobCapability(jobId).token;

/** What the holder of an anonymous job's token reaches, for calls on the store. */
export const holderOf = (ctx: ServerContext, jobId: string): Access => ({ tokenHashes: [ctx.tokens.jobCapability(jobId).hash] });

/** A node registered the way RegisterNode does, under a fresh (random) public key. */
export async function registerNode(ctx: ServerContext, overrides: Partial<NewNode> = {}) {
  const node = await ctx.nodes.registerIdentity(
    {
      name: "test node",
      runtime: "node",
      cpuCores: 2,
      ramTotal: 8_000_000_000n,
      computeScore: 30,
      backend: "wasm",
      devices: [],
      publicKey: randomBytes(32).toString("base64"),
      ...overrides,
    },
    Date.now(),
  );
  if (!node) throw new Error("the node's key was registered before");
  return node;
}

/** A user who signs in with a password (not a real hash: such tests never sign in). */
export async function createUser(ctx: ServerContext, name: string) {
  const user = await ctx.users.createWithPassword(`${name}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`, "scrypt$test", name);
  if (!user) throw new Error("user exists");
  return user;
}
