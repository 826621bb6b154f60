import { readFile, writeFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fetchVerified, fetchWholeDataset } from "../../lib/compute/artifacts-client";
import type { NodeAgent } from "../../lib/compute/agent";
import { decodeDataset, encodeDataset } from "../../lib/data/dataset-format";
import { decodeManifest, isDatasetManifest } from "../../lib/data/dataset-manifest";
import { sha256Hex } from "../../lib/data/hash";
import type { ServerContext } from "../../server/context";
import { startAgent } from "../helpers/agent";
import { startTestServer } from "../helpers/context";
import { queueJob } from "../helpers/fixtures";
import { waitFor } from "../helpers/wait";

/** Small enough that the built-in digits (several megabytes) are stored as several chunks. */
const CHUNK_BYTES = 1024 ** 2;

describe("datasets stored in chunks", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let ctx: ServerContext;
  let agent: NodeAgent | undefined;

  beforeAll(async () => {
    server = await startTestServer({ heartbeatSeconds: 1, dispatchIntervalMs: 200, datasetChunkBytes: CHUNK_BYTES });
    ctx = server.context;
  });
  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
  });
  afterAll(async () => {
    await server.close();
  });

  const digits = async () => {
    const record = (await ctx.datasets.resolve("dataset:mnist-digits")) ?? expect.fail("built-in digits are missing");
    const manifestBytes = await fetchVerified(`${server.httpUrl}/artifacts/${record.sha256}`, record.sha256);
    return { record, manifest: decodeManifest(manifestBytes), manifestBytes };
  };

  it("keeps a dataset larger than the chunk size as chunks of about that size, each under its own hash", async () => {
    const { record, manifest, manifestBytes } = await digits();
    expect(isDatasetManifest(manifestBytes)).toBe(true);
    expect(manifest.chunks.length).toBeGreaterThan(2);
    for (const chunk of manifest.chunks) {
      expect(chunk.sizeBytes).toBeLessThanOrEqual(CHUNK_BYTES + 1024);
      await fetchVerified(`${server.httpUrl}/artifacts/${chunk.sha256}`, chunk.sha256);
    }
    const whole = await fetchWholeDataset(server.httpUrl, record.sha256);
    expect(whole.spec.count).toBe(record.spec.count);
    expect(record.sizeBytes).toBeGreaterThan(manifest.chunks.reduce((n, c) => n + c.sizeBytes, 0));
  });

  it("downloads a chunked dataset as the one CXDS file its chunks join to", async () => {
    const { record } = await digits();
    const response = await fetch(`${server.httpUrl}/api/v1/datasets/mnist-digits/file`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(Number(response.headers.get("content-length"))).toBe(bytes.length);
    // Compared by hash: element-wise equality of megabytes is needlessly slow.
    expect(await sha256Hex(bytes)).toBe(await sha256Hex(encodeDataset(await fetchWholeDataset(server.httpUrl, record.sha256))));
    expect(decodeDataset(bytes).spec).toEqual(record.spec);
  });

  it("trains a job on a chunked dataset, streaming the chunks, to a useful model", async () => {
    agent = await startAgent(server.rpcUrl);
    const job = await queueJob(ctx, { hyperparameters: { epochs: 2, batchSize: 64, learningRate: 0.002, optimizer: "adam", validationSplit: 0.1, seed: 1 }, totalEpochs: 2 });
    await waitFor(async () => (await ctx.jobs.get(job.id))?.status === "COMPLETED", 90_000);
    const finished = await ctx.jobs.get(job.id);
    expect(finished?.attempts).toBe(1);
    expect((finished?.finalMetrics as Record<string, number>).val_accuracy).toBeGreaterThan(0.8);
  }, 120_000);

  it("fails the attempt, naming the chunk, when a chunk does not match its hash", async () => {
    const { manifest } = await digits();
    const damaged = manifest.chunks[2] ?? expect.fail("the dataset has fewer than three chunks");
    const file = ctx.artifacts.pathOf(damaged.sha256);
    const original = await readFile(file);
    const corrupted = Buffer.from(original);
    corrupted.writeUInt8(corrupted.readUInt8(corrupted.length - 1) ^ 0xff, corrupted.length - 1);
    await writeFile(file, corrupted);
    try {
      agent = await startAgent(server.rpcUrl);
      const job = await queueJob(ctx, { hyperparameters: { epochs: 1, batchSize: 64, learningRate: 0.002, optimizer: "adam", validationSplit: 0.1, seed: 1 } });
      const named = `dataset chunk 3 of ${manifest.chunks.length} is corrupted`;
      const failed = () => ctx.db.prisma.jobAttempt.findFirst({ where: { jobId: job.id, outcome: "FAILED" } });
      await waitFor(async () => (await failed()) !== null, 60_000);
      expect((await failed())?.error).toContain(named);
      expect((await ctx.jobs.get(job.id))?.status).not.toBe("COMPLETED");
      await ctx.db.prisma.$executeRaw`UPDATE jobs SET status = 'CANCELLED', completed_at = now() WHERE id = ${job.id}::uuid`;
    } finally {
      await writeFile(file, original);
    }
  }, 120_000);
});
