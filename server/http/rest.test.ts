import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { encodeDataset, type Dataset } from "../../lib/data/dataset-format";
import type { DatasetRecord } from "../../lib/data/dataset-record";
import { labelledPairs } from "../../lib/data/test-fixtures";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { createUser, jobTokenOf, queueJob } from "../../tests/helpers/fixtures";
import { JOB_TOKEN_HEADER } from "../../lib/wire/headers";
import { templates as builtinTemplates } from "../../lib/graph/templates";
import { restRoutes } from "./rest";
import type { HttpResult, Router } from "./router";

describe.each(DATABASE_KINDS)("REST handlers on %s", (kind) => {
  let t: TestContext;
  let router: Router;
  beforeAll(async () => {
    t = await createTestContext(kind);
    router = restRoutes(t.ctx);
  });
  afterAll(async () => {
    await t.close();
  });

  async function call(method: string, url: string, options: { headers?: Record<string, string>; body?: Uint8Array | Readable } = {}): Promise<HttpResult> {
    const parsed = new URL(url, "http://test");
    const found = router.match(method, parsed.pathname);
    if (!found || found === "method_not_allowed") return { status: found ? 405 : 404 };
    return found.handler({
      method,
      path: parsed.pathname,
      params: found.params,
      query: parsed.searchParams,
      headers: options.headers ?? {},
      body: options.body instanceof Readable ? options.body : Readable.from(options.body ? [options.body] : []),
    });
  }

  const body = <T>(result: HttpResult) => result.body as T;

  it("reports health with the database and bus in use", async () => {
    const result = await call("GET", "/api/v1/health");
    expect(result.status).toBe(200);
    expect(body(result)).toMatchObject({ status: "ok", database: kind, eventBus: "memory" });
  });

  it("lists the built-in templates with their graphs and parameter counts", async () => {
    const { templates } = body<{ templates: { id: string; graph: unknown; totalParams: number }[] }>(await call("GET", "/api/v1/templates"));
    expect(templates.map((x) => x.id)).toEqual(builtinTemplates.map((t) => t.id));
    expect(templates.find((x) => x.id === "mlp-digits")?.totalParams).toBe(784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
  });

  const withToken = (jobId: string) => ({ headers: { [JOB_TOKEN_HEADER]: jobTokenOf(t.ctx, jobId) } });
  const listedIds = async (options: { headers?: Record<string, string> } = {}) => body<{ jobs: { id: string }[] }>(await call("GET", "/api/v1/jobs?limit=200", options)).jobs.map((j) => j.id);

  it("lists jobs newest first and shows one with its history", async () => {
    const job = await queueJob(t.ctx, { name: "listed" });
    const { jobs } = body<{ jobs: { id: string; status: string }[] }>(await call("GET", "/api/v1/jobs?limit=5", withToken(job.id)));
    expect(jobs[0]).toMatchObject({ id: job.id, status: "JOB_STATUS_QUEUED" });
    const one = await call("GET", `/api/v1/jobs/${job.id}`, withToken(job.id));
    expect(body(one)).toMatchObject({ job: { id: job.id, name: "listed" }, history: [] });
  });

  it("lists and shows a private job to no one else, with the 404 a job that does not exist gets", async () => {
    const [job, other] = [await queueJob(t.ctx), await queueJob(t.ctx)];
    const alice = await createUser(t.ctx, "alice-rest");
    const asAlice = { headers: { authorization: `Bearer ${(await t.ctx.tokens.issueAccessToken(alice.id)).token}` } };
    expect(await listedIds()).not.toContain(job.id);
    expect(await listedIds(asAlice)).not.toContain(job.id);
    expect(await listedIds(withToken(other.id))).not.toContain(job.id);
    const missing = body<{ error: { message: string } }>(await call("GET", "/api/v1/jobs/00000000-0000-4000-8000-000000000000")).error.message;
    for (const options of [{}, asAlice, withToken(other.id)]) {
      for (const path of [`/api/v1/jobs/${job.id}`, `/api/v1/jobs/${job.id}/model.zip`]) {
        const refused = await call("GET", path, options);
        expect(refused.status).toBe(404);
        expect(body<{ error: { message: string } }>(refused).error.message).toBe(missing.replace("00000000-0000-4000-8000-000000000000", job.id));
      }
    }
  });

  it("lists and shows a user's job to its owner, and a public job to anyone", async () => {
    const alice = await createUser(t.ctx, "alice-owner");
    const asAlice = { headers: { authorization: `Bearer ${(await t.ctx.tokens.issueAccessToken(alice.id)).token}` } };
    const [mine, open] = [await queueJob(t.ctx, { userId: alice.id }), await queueJob(t.ctx, { public: true })];
    expect(await listedIds(asAlice)).toEqual(expect.arrayContaining([mine.id, open.id]));
    expect((await call("GET", `/api/v1/jobs/${mine.id}`, asAlice)).status).toBe(200);
    expect(await listedIds()).toContain(open.id);
    expect((await call("GET", `/api/v1/jobs/${open.id}`)).status).toBe(200);
  });

  it("refuses a job token header that is not a job token with 401, naming the header", async () => {
    const refused = await call("GET", "/api/v1/jobs", { headers: { [JOB_TOKEN_HEADER]: "cwg_not-a-job-token" } });
    expect(refused.status).toBe(401);
    expect(body<{ error: { message: string } }>(refused).error.message).toContain(JOB_TOKEN_HEADER);
  });

  it("rejects an unknown status filter with 400", async () => {
    expect((await call("GET", "/api/v1/jobs?status=sleeping")).status).toBe(400);
  });

  it("answers 404 for a job that does not exist, and for a malformed id", async () => {
    expect((await call("GET", "/api/v1/jobs/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await call("GET", "/api/v1/jobs/not-a-uuid")).status).toBe(404);
  });

  it("refuses a model download before the job has a model", async () => {
    const job = await queueJob(t.ctx);
    expect((await call("GET", `/api/v1/jobs/${job.id}/model.zip`, withToken(job.id))).status).toBe(409);
  });

  it("serves an artifact with its hash, and 404 for an unknown one", async () => {
    const bytes = new TextEncoder().encode("hello artifact");
    const stored = await t.ctx.artifacts.put(bytes);
    const result = await call("GET", `/artifacts/${stored.sha256}`);
    expect(result.headers).toMatchObject({ "x-content-sha256": stored.sha256, "content-length": String(bytes.length) });
    expect((await call("GET", `/artifacts/${"0".repeat(64)}`)).status).toBe(404);
  });

  it("serves a dataset's file by name for exported code to read, and 404 for an unknown name", async () => {
    const features = new Float32Array([1, 2, 3, 4]);
    const record = await t.ctx.datasets.register({
      spec: { name: "four-points", task: "regression", count: 4, features: { shape: [1], dtype: "float32", scale: 1 }, targets: { shape: [], dtype: "float32" } },
      features,
      targets: features,
    });
    const result = await call("GET", "/api/v1/datasets/four-points/file");
    expect(result.headers).toMatchObject({ "x-content-sha256": record.sha256, "content-disposition": 'attachment; filename="four-points.cxds"' });
    expect((await call("GET", "/api/v1/datasets/nothing-here/file")).status).toBe(404);
  });

  it("requires a node session token to upload", async () => {
    expect((await call("POST", "/api/v1/artifacts", { body: new Uint8Array([1]) })).status).toBe(401);
    expect((await call("POST", "/api/v1/artifacts", { headers: { authorization: "Bearer forged" }, body: new Uint8Array([1]) })).status).toBe(401);
  });

  it("stores an upload under its hash and refuses one whose declared hash is wrong", async () => {
    const { token } = await t.ctx.tokens.issueNodeToken("11111111-1111-4111-8111-111111111111");
    const bytes = new TextEncoder().encode("weights");
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const ok = await call("POST", "/api/v1/artifacts", { headers: { authorization: `Bearer ${token}`, "x-content-sha256": sha256 }, body: bytes });
    expect(ok.status).toBe(201);
    expect(body(ok)).toEqual({ sha256, size: bytes.length, uri: `/artifacts/${sha256}` });
    const wrong = await call("POST", "/api/v1/artifacts", { headers: { authorization: `Bearer ${token}`, "x-content-sha256": "b".repeat(64) }, body: bytes });
    expect(wrong.status).toBe(400);
  });

  describe("dataset upload", () => {
    const upload: Dataset = labelledPairs("uploaded", "two labelled points");
    const names = async () => (await t.ctx.datasets.list()).map((d) => d.name);
    const download = async (name: string) => Buffer.concat(await body<Readable>(await call("GET", `/api/v1/datasets/${name}/file`)).toArray());

    it("registers the file, lists it and serves the same bytes back", async () => {
      const bytes = encodeDataset(upload);
      const result = await call("POST", "/api/v1/datasets?name=uploaded", { body: bytes });
      expect(result.status).toBe(201);
      const { datasets } = body<{ datasets: DatasetRecord[] }>(await call("GET", "/api/v1/datasets"));
      expect(datasets.find((d) => d.name === "uploaded")).toEqual(body(result));
      expect(body(result)).toMatchObject({ name: "uploaded", description: "two labelled points", builtin: false, sizeBytes: bytes.length, spec: upload.spec });
      expect(new Uint8Array(await download("uploaded"))).toEqual(bytes);
    });

    it("names the dataset, in the catalog and in its file's header, as the request does", async () => {
      const result = await call("POST", "/api/v1/datasets?name=renamed&description=given", { body: encodeDataset(upload) });
      expect(body<DatasetRecord>(result).spec).toMatchObject({ name: "renamed", description: "given" });
      expect(new Uint8Array(await download("renamed"))).toEqual(encodeDataset({ ...upload, spec: { ...upload.spec, name: "renamed", description: "given" } }));
    });

    it("refuses a name outside [a-z0-9._-] with 400 naming the field, storing nothing", async () => {
      const before = await names();
      const result = await call("POST", "/api/v1/datasets?name=My%20Data", { body: encodeDataset(upload) });
      expect(result).toMatchObject({ status: 400, body: { error: { code: "invalid_argument", message: expect.stringMatching(/^name must be/) } } });
      expect(await names()).toEqual(before);
    });

    it("refuses a request without a name with 400", async () => {
      expect((await call("POST", "/api/v1/datasets", { body: encodeDataset(upload) })).status).toBe(400);
    });

    it("refuses the name of a built-in dataset with 409, leaving it as it was", async () => {
      const before = await t.ctx.datasets.list();
      const result = await call("POST", "/api/v1/datasets?name=mnist-digits", { body: encodeDataset(upload) });
      expect(result).toMatchObject({ status: 409, body: { error: { code: "already_exists" } } });
      expect(await t.ctx.datasets.list()).toEqual(before);
    });

    it("refuses the name of an uploaded dataset with 409", async () => {
      await call("POST", "/api/v1/datasets?name=twice", { body: encodeDataset(upload) });
      const second = { ...upload, targets: Int32Array.from([0, 0]) };
      expect((await call("POST", "/api/v1/datasets?name=twice", { body: encodeDataset(second) })).status).toBe(409);
      expect(new Uint8Array(await download("twice"))).toEqual(encodeDataset({ ...upload, spec: { ...upload.spec, name: "twice" } }));
    });

    it("refuses a body that is not CXDS with 400 and the reason, storing nothing", async () => {
      const before = await names();
      const result = await call("POST", "/api/v1/datasets?name=not-cxds", { body: new TextEncoder().encode("x,y\n1,2\n") });
      expect(result).toMatchObject({ status: 400, body: { error: { message: "not a CXDS dataset file" } } });
      expect(await names()).toEqual(before);
    });

    it("refuses a truncated file with 400 and the reason", async () => {
      const bytes = encodeDataset(upload);
      const result = await call("POST", "/api/v1/datasets?name=truncated", { body: bytes.subarray(0, bytes.length - 4) });
      expect(result).toMatchObject({ status: 400, body: { error: { message: "dataset file is truncated" } } });
    });

    it("refuses a file with bytes after the end of the dataset with 400 and the reason, storing nothing", async () => {
      const before = await names();
      const bytes = encodeDataset(upload);
      const result = await call("POST", "/api/v1/datasets?name=tailed", { body: Uint8Array.from([...bytes, 1, 2, 3]) });
      expect(result).toMatchObject({ status: 400, body: { error: { code: "invalid_argument", message: "dataset file has 3 bytes after the end of the dataset" } } });
      expect(await names()).toEqual(before);
    });

    it("refuses a declared length over 256 MiB with 413 before reading the body", async () => {
      const headers = { "content-length": String(256 * 1024 ** 2 + 1) };
      const result = await call("POST", "/api/v1/datasets?name=huge", { headers, body: encodeDataset(upload) });
      expect(result.status).toBe(413);
    });

    it("refuses a body that grows past 256 MiB with 413, storing nothing", async () => {
      const before = await names();
      const mebibyte = new Uint8Array(1024 ** 2);
      const endless = Readable.from(
        (function* () {
          for (let i = 0; i <= 256; i++) yield mebibyte;
        })(),
      );
      expect((await call("POST", "/api/v1/datasets?name=huge", { body: endless })).status).toBe(413);
      expect(await names()).toEqual(before);
    });

    const temporaryFiles = () => readdir(path.join(t.ctx.artifacts.dir, "tmp")).catch(() => []);

    it("writes the upload to a temporary file in the data directory as it arrives, and removes it once registered", async () => {
      const bytes = encodeDataset(labelledPairs("spooled"));
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      const arriving = Readable.from(
        (async function* () {
          yield bytes.subarray(0, 16);
          await held;
          yield bytes.subarray(16);
        })(),
      );
      const upload = call("POST", "/api/v1/datasets?name=spooled", { body: arriving });
      await expect.poll(async () => (await temporaryFiles()).length).toBe(1);
      release();
      expect((await upload).status).toBe(201);
      expect(await temporaryFiles()).toEqual([]);
    });

    it("stops reading a body the moment it passes the limit, and removes what it wrote", async () => {
      const mebibyte = new Uint8Array(1024 ** 2);
      let sent = 0;
      const endless = Readable.from(
        (function* () {
          for (;;) yield ((sent += 1), mebibyte);
        })(),
      );
      expect((await call("POST", "/api/v1/datasets?name=endless", { body: endless })).status).toBe(413);
      expect(sent).toBeLessThanOrEqual(256 + 2);
      expect(await temporaryFiles()).toEqual([]);
    });
  });

  describe("dataset deletion", () => {
    const exists = async (name: string) => (await t.ctx.datasets.resolve(name)) !== undefined;
    async function signedInUser(name: string) {
      const user = await createUser(t.ctx, name);
      return { id: user.id, headers: { authorization: `Bearer ${(await t.ctx.tokens.issueAccessToken(user.id)).token}` } };
    }
    async function uploadAs(headers: Record<string, string>, name: string) {
      const result = await call("POST", `/api/v1/datasets?name=${name}`, { headers, body: encodeDataset(labelledPairs()) });
      expect(result.status).toBe(201);
    }

    it("lets the signed-in uploader delete their dataset", async () => {
      const owner = await signedInUser("owner");
      await uploadAs(owner.headers, "mine");
      expect((await call("DELETE", "/api/v1/datasets/mine", { headers: owner.headers })).status).toBe(204);
      expect(await exists("mine")).toBe(false);
    });

    it("refuses an anonymous caller with 401, deleting nothing", async () => {
      const owner = await signedInUser("owner");
      await uploadAs(owner.headers, "kept-from-anonymous");
      expect((await call("DELETE", "/api/v1/datasets/kept-from-anonymous")).status).toBe(401);
      expect(await exists("kept-from-anonymous")).toBe(true);
    });

    it("refuses another user's dataset with 403, deleting nothing", async () => {
      const owner = await signedInUser("owner");
      const stranger = await signedInUser("stranger");
      await uploadAs(owner.headers, "not-yours");
      const result = await call("DELETE", "/api/v1/datasets/not-yours", { headers: stranger.headers });
      expect(result).toMatchObject({ status: 403, body: { error: { code: "not_owner" } } });
      expect(await exists("not-yours")).toBe(true);
    });

    it("refuses an anonymous upload with 403: it has no owner", async () => {
      const someone = await signedInUser("someone");
      await uploadAs({}, "anonymous-upload");
      const result = await call("DELETE", "/api/v1/datasets/anonymous-upload", { headers: someone.headers });
      expect(result).toMatchObject({ status: 403, body: { error: { message: expect.stringContaining("uploaded anonymously") } } });
      expect(await exists("anonymous-upload")).toBe(true);
    });

    it("refuses a built-in dataset with 409, saying it is built in", async () => {
      const someone = await signedInUser("someone");
      const result = await call("DELETE", "/api/v1/datasets/mnist-digits", { headers: someone.headers });
      expect(result).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining("built in") } } });
      expect(await exists("mnist-digits")).toBe(true);
    });

    it("refuses a dataset an unfinished job uses with 409 naming the count, deleting nothing", async () => {
      const owner = await signedInUser("owner");
      await uploadAs(owner.headers, "in-use");
      const dataset = await t.ctx.datasets.resolve("in-use");
      await queueJob(t.ctx, { datasetUri: "dataset:in-use", datasetId: dataset?.id, datasetSha256: dataset?.sha256 });
      const result = await call("DELETE", "/api/v1/datasets/in-use", { headers: owner.headers });
      expect(result).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining("1 unfinished job") } } });
      expect(await exists("in-use")).toBe(true);
    });

    it("answers 404 for a dataset that does not exist", async () => {
      const someone = await signedInUser("someone");
      expect((await call("DELETE", "/api/v1/datasets/never-uploaded", { headers: someone.headers })).status).toBe(404);
    });
  });

  it("answers 405 for a known path with the wrong method", () => {
    expect(router.match("DELETE", "/api/v1/health")).toBe("method_not_allowed");
  });
});
