import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetService } from "../../gen/cyxwiz/v1/dataset_service_pb";
import { encodeDataset } from "../../lib/data/dataset-format";
import { labelledPairs } from "../../lib/data/test-fixtures";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { codeOf } from "../../tests/helpers/rpc-errors";
import { inProcessTransport } from "../../tests/helpers/clients";
import { createUser, holderOf, queueJob } from "../../tests/helpers/fixtures";

describe.each(DATABASE_KINDS)("DatasetService on %s", (kind) => {
  let t: TestContext;
  let client: Client<typeof DatasetService>;
  beforeAll(async () => {
    t = await createTestContext(kind);
    client = createClient(DatasetService, inProcessTransport(t.ctx));
  });
  afterAll(async () => {
    await t.close();
  });

  it("registers an uploaded file by its hash under a new name, and finds it again", async () => {
    const uploaded = await t.ctx.artifacts.put(encodeDataset(labelledPairs()));
    const { dataset } = await client.createDataset({ name: "pairs-rpc", sha256: uploaded.sha256, description: "two points" });
    expect(dataset).toMatchObject({ name: "pairs-rpc", description: "two points", task: "classification", count: 2n, builtin: false });
    expect((await client.getDataset({ uri: "dataset:pairs-rpc" })).dataset?.sha256).toBe(dataset?.sha256);
    expect((await client.listDatasets({})).datasets.map((d) => d.name)).toContain("mnist-digits");
  });

  it("names the field at fault and registers nothing", async () => {
    const before = (await client.listDatasets({})).datasets.length;
    const garbage = await t.ctx.artifacts.put(new TextEncoder().encode("not a dataset"));
    expect(await codeOf(client.createDataset({ name: "x", sha256: "abc" }))).toBe(Code.InvalidArgument);
    expect(await codeOf(client.createDataset({ name: "x", sha256: "f".repeat(64) }))).toBe(Code.FailedPrecondition);
    expect(await codeOf(client.createDataset({ name: "Bad Name", sha256: garbage.sha256 }))).toBe(Code.InvalidArgument);
    expect(await codeOf(client.createDataset({ name: "garbage", sha256: garbage.sha256 }))).toBe(Code.InvalidArgument);
    expect(await codeOf(client.createDataset({ name: "mnist-digits", sha256: garbage.sha256 }))).toBe(Code.AlreadyExists);
    expect(await codeOf(client.getDataset({ uri: "dataset:nope" }))).toBe(Code.NotFound);
    expect((await client.listDatasets({})).datasets.length).toBe(before);
  });

  describe("DeleteDataset", () => {
    const exists = async (name: string) => (await t.ctx.datasets.resolve(name)) !== undefined;
    async function clientOf(name: string) {
      const user = await createUser(t.ctx, name);
      const { token } = await t.ctx.tokens.issueAccessToken(user.id);
      return createClient(
        DatasetService,
        inProcessTransport(t.ctx, () => token),
      );
    }
    async function upload(as: Client<typeof DatasetService>, name: string) {
      const uploaded = await t.ctx.artifacts.put(encodeDataset(labelledPairs()));
      await as.createDataset({ name, sha256: uploaded.sha256 });
    }

    it("deletes the caller's own dataset", async () => {
      const owner = await clientOf("owner");
      await upload(owner, "rpc-mine");
      await owner.deleteDataset({ name: "rpc-mine" });
      expect(await exists("rpc-mine")).toBe(false);
    });

    it("deletes a dataset a finished job used; the job keeps the dataset's URI and hash", async () => {
      const owner = await clientOf("owner");
      await upload(owner, "rpc-trained-on");
      const dataset = await t.ctx.datasets.resolve("rpc-trained-on");
      const job = await queueJob(t.ctx, { datasetUri: "dataset:rpc-trained-on", datasetId: dataset?.id, datasetSha256: dataset?.sha256 });
      await t.ctx.jobs.cancel(job.id, holderOf(t.ctx, job.id), "done with it");
      await owner.deleteDataset({ name: "rpc-trained-on" });
      expect(await t.ctx.jobs.get(job.id)).toMatchObject({ datasetId: null, datasetUri: "dataset:rpc-trained-on", datasetSha256: dataset?.sha256 });
    });

    it("refuses an anonymous caller with UNAUTHENTICATED, deleting nothing", async () => {
      await upload(await clientOf("owner"), "rpc-anonymous-caller");
      expect(await codeOf(client.deleteDataset({ name: "rpc-anonymous-caller" }))).toBe(Code.Unauthenticated);
      expect(await exists("rpc-anonymous-caller")).toBe(true);
    });

    it("refuses another user's dataset with PERMISSION_DENIED, deleting nothing", async () => {
      await upload(await clientOf("owner"), "rpc-not-yours");
      expect(await codeOf((await clientOf("stranger")).deleteDataset({ name: "rpc-not-yours" }))).toBe(Code.PermissionDenied);
      expect(await exists("rpc-not-yours")).toBe(true);
    });

    it("refuses an anonymous upload with PERMISSION_DENIED: it has no owner", async () => {
      await upload(client, "rpc-ownerless");
      expect(await codeOf((await clientOf("someone")).deleteDataset({ name: "rpc-ownerless" }))).toBe(Code.PermissionDenied);
      expect(await exists("rpc-ownerless")).toBe(true);
    });

    it("refuses a built-in dataset with FAILED_PRECONDITION, deleting nothing", async () => {
      expect(await codeOf((await clientOf("someone")).deleteDataset({ name: "mnist-digits" }))).toBe(Code.FailedPrecondition);
      expect(await exists("mnist-digits")).toBe(true);
    });

    it("refuses a dataset unfinished jobs use with FAILED_PRECONDITION naming how many, deleting nothing", async () => {
      const owner = await clientOf("owner");
      await upload(owner, "rpc-in-use");
      const dataset = await t.ctx.datasets.resolve("rpc-in-use");
      for (let i = 0; i < 2; i++) await queueJob(t.ctx, { datasetUri: "dataset:rpc-in-use", datasetId: dataset?.id, datasetSha256: dataset?.sha256 });
      await expect(owner.deleteDataset({ name: "rpc-in-use" })).rejects.toThrow(/2 unfinished jobs use it/);
      expect(await codeOf(owner.deleteDataset({ name: "rpc-in-use" }))).toBe(Code.FailedPrecondition);
      expect(await exists("rpc-in-use")).toBe(true);
    });

    it("answers NOT_FOUND for a dataset that does not exist", async () => {
      expect(await codeOf((await clientOf("someone")).deleteDataset({ name: "rpc-never-uploaded" }))).toBe(Code.NotFound);
    });
  });

  it("refuses an uploaded file with bytes after the end of the dataset, naming the file and the bytes, and registers nothing", async () => {
    const before = (await client.listDatasets({})).datasets.length;
    const tailed = await t.ctx.artifacts.put(Uint8Array.from([...encodeDataset(labelledPairs()), 0, 0]));
    const error = await client.createDataset({ name: "tailed", sha256: tailed.sha256 }).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.InvalidArgument, rawMessage: "sha256: dataset file has 2 bytes after the end of the dataset" });
    expect((await client.listDatasets({})).datasets.length).toBe(before);
  });
});
