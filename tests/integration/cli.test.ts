import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NodeAgent } from "../../lib/compute/agent";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { createNodeAgent } from "../../worker/node-runtime";
import { connectClients, withJobToken } from "../helpers/clients";
import { accuracyOfModelZip, fetchDataset } from "../helpers/evaluate";
import { waitFor } from "../helpers/wait";
import { readWalletFile } from "../../worker/wallet-file";
import { REPO_ROOT, startServerProcess, type ServerProcess } from "../helpers/server-process";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI's configuration home in these tests, so that they keep nothing in the user's. */
const CONFIG_HOME = path.join(os.tmpdir(), `cyxwiz-cli-config-${process.pid}`);

function cyxwiz(args: string[], serverUrl = "http://127.0.0.1:1"): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["bin/cyxwiz.mjs", ...args], { cwd: REPO_ROOT, env: { ...process.env, CYXWIZ_SERVER_URL: serverUrl, XDG_CONFIG_HOME: CONFIG_HOME } }, (error, stdout, stderr) =>
      resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr }),
    );
  });
}

describe("the cyxwiz command line", () => {
  let dir: string;
  let server: ServerProcess;
  let agent: NodeAgent | undefined;
  /** The node's wallet, where paid jobs release into. */
  const nodeWalletFile = () => path.join(dir, "node-wallet.json");
  /** The compute node the tests that train need, started by the first of them, with a wallet so that it takes paid jobs too. */
  const startNode = async () => {
    if (agent) return;
    expect((await cyxwiz(["wallet", "new", "--wallet", nodeWalletFile()], server.rpcUrl)).code).toBe(0);
    agent = createNodeAgent(server.rpcUrl, { name: "cli-test-node", wallet: await readWalletFile(nodeWalletFile()) });
    void agent.run();
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-cli-"));
    server = await startServerProcess({ DATABASE_URL: "pglite:memory" });
  });

  afterAll(async () => {
    await agent?.stop();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(CONFIG_HOME, { recursive: true, force: true });
  });

  it("lists the built-in templates as JSON", async () => {
    const result = await cyxwiz(["templates", "--json"]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { id: string }[]).map((t) => t.id)).toContain("mlp-digits");
  });

  it("validates a good graph file with its shapes and parameter count", async () => {
    const file = path.join(dir, "good.json");
    await writeFile(file, JSON.stringify(mlpDigits.graph));
    const result = await cyxwiz(["validate", file, "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, totalParams: 109_386, totalFlops: expect.any(Number), issues: [] });
  });

  it("exits 1 and names the node of an invalid graph", async () => {
    const graph = structuredClone(mlpDigits.graph);
    graph.edges.pop();
    const file = path.join(dir, "bad.json");
    await writeFile(file, JSON.stringify(graph));
    const result = await cyxwiz(["validate", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('node "output" (Output)');
  });

  it("lists every node type with its parameters", async () => {
    const result = await cyxwiz(["layers", "--json"]);
    const layers = JSON.parse(result.stdout) as { type: string; params: { properties: Record<string, unknown> } }[];
    expect(layers.map((l) => l.type)).toEqual(expect.arrayContaining(["Dense", "Conv2D", "LSTM", "TransformerEncoder"]));
    expect(Object.keys(layers.find((l) => l.type === "Dense")?.params.properties ?? {})).toEqual(["units", "activation", "useBias"]);
  });

  it("prints a template as PyTorch source", async () => {
    const result = await cyxwiz(["codegen", "--target", "pytorch", "mlp-digits"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("self.hidden1 = nn.Linear(784, 128)");
  });

  it("trains a template locally and saves the model", async () => {
    const file = path.join(dir, "moons.zip");
    const result = await cyxwiz(["train", "mlp-moons", "--epochs", "5", "--out", file, "--json"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/epoch 5\.00\/5/);
    expect(JSON.parse(result.stdout)).toMatchObject({ model: file, backend: "wasm", finalMetrics: { val_accuracy: expect.any(Number) } });
  });

  it("exits 2 when the server cannot be reached", async () => {
    const result = await cyxwiz(["submit", "mlp-digits"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unreachable");
  });

  it("exits 1 with the field at fault when the server rejects a submission", async () => {
    const result = await cyxwiz(["submit", "mlp-digits", "--epochs", "0"], server.rpcUrl);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("epochs");
  });

  it("keeps an anonymous submission's job token in its config directory, readable by the user alone, and says where", async () => {
    const submitted = await cyxwiz(["submit", "mlp-digits", "--epochs", "1"], server.rpcUrl);
    const jobId = submitted.stdout.trim();
    const file = path.join(CONFIG_HOME, "cyxwiz", "job-tokens.json");
    expect(submitted.stderr).toContain(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const token = (JSON.parse(await readFile(file, "utf8")) as Record<string, Record<string, string>>)[server.rpcUrl.replace(/\/$/, "")]?.[jobId] ?? "";
    expect(token).toMatch(/^cwj_/);
    const { job } = await connectClients(server.rpcUrl).jobs.cancelJob({ jobId }, withJobToken(token));
    expect(job?.error).toBe("cancelled by user");
  });

  it("submits a private job by default, and with --public one anyone may read", async () => {
    const anyone = connectClients(server.rpcUrl);
    const mine = (await cyxwiz(["submit", "mlp-digits", "--epochs", "1"], server.rpcUrl)).stdout.trim();
    await expect(anyone.jobs.getJob({ jobId: mine })).rejects.toMatchObject({ code: Code.NotFound });
    const shared = (await cyxwiz(["submit", "mlp-digits", "--epochs", "1", "--public", "--json"], server.rpcUrl)).stdout;
    const jobId = (JSON.parse(shared) as { id: string; public: boolean }).id;
    expect(JSON.parse(shared)).toMatchObject({ public: true });
    expect((await anyone.jobs.getJob({ jobId })).job?.public).toBe(true);
    // The CLI reads both with the tokens it kept; then they are cancelled, out of the way of a later test's node.
    for (const id of [mine, jobId]) expect((await cyxwiz(["status", id, "--json"], server.rpcUrl)).code).toBe(0);
    const file = JSON.parse(await readFile(path.join(CONFIG_HOME, "cyxwiz", "job-tokens.json"), "utf8")) as Record<string, Record<string, string>>;
    for (const id of [mine, jobId]) await anyone.jobs.cancelJob({ jobId: id }, withJobToken(file[server.rpcUrl.replace(/\/$/, "")]?.[id] ?? ""));
  });

  it("says plainly that a job this machine holds no token for is not one it can see", async () => {
    const elsewhere = connectClients(server.rpcUrl);
    const { job, jobToken } = await elsewhere.jobs.submitJob({
      config: { name: "elsewhere", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: { epochs: 1, batchSize: 64, learningRate: 0.01 } },
    });
    const jobId = job?.id as string;
    const result = await cyxwiz(["status", jobId], server.rpcUrl);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no job ${jobId} that you can see`);
    await elsewhere.jobs.cancelJob({ jobId }, withJobToken(jobToken));
  });

  it("submits a template, prints the job id, and follows it to completion with status --watch", async () => {
    const submitted = await cyxwiz(["submit", "mlp-digits", "--epochs", "1"], server.rpcUrl);
    expect(submitted.code).toBe(0);
    const jobId = submitted.stdout.trim();
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    const status = await cyxwiz(["status", jobId, "--json"], server.rpcUrl);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: jobId, status: "JOB_STATUS_QUEUED" });
    await startNode();
    const watched = await cyxwiz(["status", jobId, "--watch"], server.rpcUrl);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/^completed +100\.0%/m);
    expect(watched.stdout).toMatch(/^final: .*val_accuracy=0\.\d+ \(trained on wasm\)$/m);
    expect(watched.stdout).toContain(`model: cyxwiz download ${jobId} --out model.zip`);
  });

  it("downloads a completed job's model with the token it kept, a model that reads digits it never saw", async () => {
    await startNode();
    const file = path.join(CONFIG_HOME, "downloaded.zip");
    const submitted = await cyxwiz(["submit", "mlp-digits", "--epochs", "1", "--watch", "--out", file], server.rpcUrl);
    expect(submitted.code).toBe(0);
    expect(submitted.stderr).toContain(`saved ${file}`);
    const accuracy = await accuracyOfModelZip(new Uint8Array(await readFile(file)), await fetchDataset(server.httpUrl, "mnist-digits-test"));
    expect(accuracy).toBeGreaterThan(0.8);
    const jobId = submitted.stdout.trim();
    const again = await cyxwiz(["download", jobId, "--out", file], server.rpcUrl);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining(`saved ${file}`) as string });
  });

  it("refuses to download a job this machine cannot see, saying why, and shows its usage without an id", async () => {
    const missing = await cyxwiz(["download", "00000000-0000-4000-8000-000000000000"], server.rpcUrl);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining("no job 00000000-0000-4000-8000-000000000000 that you can see") as string });
    const usage = await cyxwiz(["download"], server.rpcUrl);
    expect(usage).toMatchObject({ code: 1, stderr: expect.stringContaining("usage: cyxwiz download <job-id>") as string });
  });

  it("pays for a job from a wallet file on the embedded chain, and the node that trained it is paid its price less the fee", async () => {
    await startNode();
    const wallet = path.join(dir, "my-wallet.json");
    expect((await cyxwiz(["wallet", "new", "--wallet", wallet], server.rpcUrl)).code).toBe(0);
    expect((await stat(wallet)).mode & 0o777).toBe(0o600);
    const funded = await cyxwiz(["wallet", "airdrop", "1", "--wallet", wallet, "--json"], server.rpcUrl);
    expect(JSON.parse(funded.stdout)).toMatchObject({ lamports: "1000000000" });
    const submitted = await cyxwiz(["submit", "mlp-digits", "--epochs", "1", "--max-price", "0.01", "--wallet", wallet, "--watch"], server.rpcUrl);
    expect(submitted.code).toBe(0);
    expect(submitted.stderr).toMatch(/paying 0\.\d+ SOL \((\d+) lamports\) from \w+ into job [0-9a-f-]+'s escrow \w+/);
    expect(submitted.stderr).toMatch(/^completed +100\.0%/m);
    const price = BigInt(/\((\d+) lamports\)/.exec(submitted.stderr)?.[1] ?? "0");
    const nodeBalance = async () => BigInt((JSON.parse((await cyxwiz(["wallet", "--wallet", nodeWalletFile(), "--json"], server.rpcUrl)).stdout) as { lamports: string }).lamports);
    await waitFor(async () => (await nodeBalance()) > 0n, 30_000);
    expect(await nodeBalance()).toBe(price - (price * 500n) / 10_000n);
    const payer = JSON.parse((await cyxwiz(["wallet", "--wallet", wallet, "--json"], server.rpcUrl)).stdout) as { lamports: string };
    // The price and the deposit's transaction fee (5,000 lamports a signature), nothing more.
    expect(BigInt(payer.lamports)).toBe(1_000_000_000n - price - 5_000n);
  });

  it("refuses --max-price that is not an amount of SOL, or without a wallet, before submitting anything", async () => {
    expect(await cyxwiz(["submit", "mlp-digits", "--max-price", "lots"], server.rpcUrl)).toMatchObject({
      code: 1,
      stdout: "",
      stderr: expect.stringContaining("--max-price is an amount of SOL") as string,
    });
    expect(await cyxwiz(["submit", "mlp-digits", "--max-price", "0.1"], server.rpcUrl)).toMatchObject({ code: 1, stdout: "", stderr: expect.stringContaining("--max-price needs --wallet") as string });
  });

  it("refuses --out without --watch before submitting anything", async () => {
    const result = await cyxwiz(["submit", "mlp-digits", "--out", "model.zip"], server.rpcUrl);
    expect(result).toMatchObject({ code: 1, stdout: "", stderr: expect.stringContaining("use it with --watch") as string });
  });
});
