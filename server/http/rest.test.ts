import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { queueJob } from "../../tests/helpers/fixtures";
import { templates as builtinTemplates } from "../../lib/graph/templates";
import { restRoutes } from "./rest";
import type { HttpResult, Router } from "./router";

describe("REST handlers", () => {
  let t: TestContext;
  let router: Router;
  beforeAll(async () => {
    t = await createTestContext("pglite");
    router = restRoutes(t.ctx);
  });
  afterAll(async () => {
    await t.close();
  });

  async function call(method: string, url: string, options: { headers?: Record<string, string>; body?: Uint8Array } = {}): Promise<HttpResult> {
    const parsed = new URL(url, "http://test");
    const found = router.match(method, parsed.pathname);
    if (!found || found === "method_not_allowed") return { status: found ? 405 : 404 };
    return found.handler({
      method,
      path: parsed.pathname,
      params: found.params,
      query: parsed.searchParams,
      headers: options.headers ?? {},
      body: Readable.from(options.body ? [options.body] : []),
    });
  }

  const body = <T>(result: HttpResult) => result.body as T;

  it("reports health with the database and bus in use", async () => {
    const result = await call("GET", "/api/v1/health");
    expect(result.status).toBe(200);
    expect(body(result)).toMatchObject({ status: "ok", database: "pglite", eventBus: "memory" });
  });

  it("lists the built-in templates with their graphs and parameter counts", async () => {
    const { templates } = body<{ templates: { id: string; graph: unknown; totalParams: number }[] }>(await call("GET", "/api/v1/templates"));
    expect(templates.map((x) => x.id)).toEqual(builtinTemplates.map((t) => t.id));
    expect(templates.find((x) => x.id === "mlp-digits")?.totalParams).toBe(784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
  });

  it("lists jobs newest first and shows one with its history", async () => {
    const job = await queueJob(t.ctx, { name: "listed" });
    const { jobs } = body<{ jobs: { id: string; status: string }[] }>(await call("GET", "/api/v1/jobs?limit=5"));
    expect(jobs[0]).toMatchObject({ id: job.id, status: "JOB_STATUS_QUEUED" });
    const one = await call("GET", `/api/v1/jobs/${job.id}`);
    expect(body(one)).toMatchObject({ job: { id: job.id, name: "listed" }, history: [] });
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
    expect((await call("GET", `/api/v1/jobs/${job.id}/model.zip`)).status).toBe(409);
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
    expect((await call("POST", "/api/v1/artifacts", { headers: { authorization: "Bearer forged" }, body: new Uint8Array([1]) })).status).toBe(403);
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

  it("answers 405 for a known path with the wrong method", () => {
    expect(router.match("DELETE", "/api/v1/health")).toBe("method_not_allowed");
  });
});
