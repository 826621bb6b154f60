import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetService } from "../../gen/cyxwiz/v1/dataset_service_pb";
import { encodeDataset } from "../../lib/data/dataset-format";
import { labelledPairs } from "../../lib/data/test-fixtures";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { codeOf } from "../../tests/helpers/rpc-errors";
import { inProcessTransport } from "../../tests/helpers/clients";

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

  it("refuses an uploaded file with bytes after the end of the dataset, naming the file and the bytes, and registers nothing", async () => {
    const before = (await client.listDatasets({})).datasets.length;
    const tailed = await t.ctx.artifacts.put(Uint8Array.from([...encodeDataset(labelledPairs()), 0, 0]));
    const error = await client.createDataset({ name: "tailed", sha256: tailed.sha256 }).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.InvalidArgument, rawMessage: "sha256: dataset file has 2 bytes after the end of the dataset" });
    expect((await client.listDatasets({})).datasets.length).toBe(before);
  });
});
