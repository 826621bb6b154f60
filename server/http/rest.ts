import { Readable } from "node:stream";
import { toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { JobSchema } from "../../gen/cyxwiz/v1/job_pb";
import { streamWholeFile } from "../../lib/data/dataset-manifest";
import { SHA256_HEX } from "../../lib/data/hash";
import { analyzeGraph } from "../../lib/graph/analyze";
import { templates } from "../../lib/graph/templates";
import { ArtifactError } from "../artifacts/store";
import { modelZip } from "../artifacts/model-zip";
import { accessFrom, credentialsFrom, signedIn, submitterOf } from "../auth/credentials";
import type { JobRow } from "../jobs/job-row";
import { jobNotFoundMessage } from "../rpc/job-refusal";
import type { ServerContext } from "../context";
import { logEvent, pointEvent } from "../events/job-events";
import { jobMessage } from "../jobs/job-message";
import { liveJob, liveJobs } from "../cache/job-progress";
import { liveSamples } from "../cache/node-live";
import { isJobStatus, JOB_STATUSES } from "../jobs/job-status";
import { UUID } from "../jobs/job-row";
import { isOnline } from "../nodes/discovery";
import type { NodeRow } from "../nodes/node-store";
import { schedulerStatus } from "../ops/scheduler-status";
import { artifactPath } from "../artifacts/artifact-urls";
import { addInferenceRoutes } from "../inference/gateway";
import { registerDatasetFile } from "../datasets/registration";
import { deletionRefusal, type DeletionRefusal } from "../datasets/deletion";
import { httpError, json, Router, type HttpRequest, type HttpResult } from "./router";

const MAX_DATASET_UPLOAD_BYTES = 256 * 1024 ** 2;

const DELETION_STATUS: Record<DeletionRefusal["problem"], number> = { not_found: 404, builtin: 409, no_owner: 403, not_owner: 403, in_use: 409 };

const CONNECT_TO_HTTP: Partial<Record<Code, number>> = { [Code.Unauthenticated]: 401, [Code.PermissionDenied]: 403 };

/** The HTTP answer when an authorization check refuses the caller; undefined when it lets them in. */
async function refusal(check: Promise<unknown>): Promise<HttpResult | undefined> {
  try {
    await check;
    return undefined;
  } catch (error) {
    if (error instanceof ConnectError) return httpError(CONNECT_TO_HTTP[error.code] ?? 403, Code[error.code], error.rawMessage);
    throw error;
  }
}

/** REST for dashboards and scripts (port 8080, and any non-RPC path on the RPC port). */
export function restRoutes(ctx: ServerContext): Router {
  const router = new Router();

  router.add("GET", "/api/v1/health", async () => {
    await ctx.db.prisma.$queryRaw`SELECT 1`;
    return json({
      status: "ok",
      database: ctx.db.kind,
      eventBus: ctx.bus.kind,
      uptimeSeconds: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
      connectedNodes: ctx.dispatcher.attachedCount,
    });
  });

  // Ready to take traffic: the database answers (health says the same and more, for people).
  router.add("GET", "/api/v1/ready", async () => {
    try {
      await ctx.db.prisma.$queryRaw`SELECT 1`;
      return json({ ready: true });
    } catch (error) {
      return httpError(503, "unavailable", `the database does not answer: ${(error as Error).message}`);
    }
  });

  router.add("GET", "/api/v1/scheduler", async () => json(await schedulerStatus(ctx.db.prisma)));

  router.add("GET", "/metrics", async () => ({ status: 200, headers: { "content-type": ctx.metrics.contentType }, body: Buffer.from(await ctx.metrics.render()) }));

  router.add("GET", "/api/v1/nodes", async () => {
    const rows = await ctx.nodes.list();
    const live = await liveSamples(ctx, rows);
    return json({ nodes: rows.map((n) => ({ ...nodeJson(n, ctx.config.nodeTimeoutSeconds), live: live.get(n.id) ?? null })) });
  });

  /** The request's credentials, capability headers included (repeated headers arrive as one list, as Connect reads them). */
  const credentialsOfRequest = (req: HttpRequest) =>
    credentialsFrom(ctx, req.headers.authorization, (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(",") : (value ?? null);
    });

  /** The job when the caller may read it; otherwise the answer: 404 as for a job that does not exist, or 401 for a credential that does not verify. */
  const readableJob = async (req: HttpRequest): Promise<{ job: JobRow } | { refused: HttpResult }> => {
    const id = (req.params.id ?? "").toLowerCase();
    const access = accessFrom(credentialsOfRequest(req), "job");
    const refused = await refusal(access);
    if (refused) return { refused };
    const job = UUID.test(id) ? await ctx.jobs.find(id, await access) : null;
    return job ? { job } : { refused: httpError(404, "not_found", jobNotFoundMessage(req.params.id ?? "")) };
  };

  router.add("GET", "/api/v1/jobs", async (req) => {
    const status = req.query.get("status")?.toUpperCase() || undefined;
    if (status !== undefined && !isJobStatus(status)) return httpError(400, "invalid_argument", `status must be one of ${JOB_STATUSES.join(", ")}`);
    const limit = Number(req.query.get("limit") ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) return httpError(400, "invalid_argument", "limit must be an integer from 1 to 200");
    const access = accessFrom(credentialsOfRequest(req), "job");
    const refused = await refusal(access);
    if (refused) return refused;
    const page = await ctx.jobs.list(await access, { statuses: status ? [status] : undefined }, { limit });
    return json({ jobs: (await liveJobs(ctx.hotState, page.rows)).map((r) => toJson(JobSchema, jobMessage(r))) });
  });

  router.add("GET", "/api/v1/jobs/:id", async (req) => {
    const found = await readableJob(req);
    if ("refused" in found) return found.refused;
    const { job } = found;
    const { points, logs } = await ctx.jobs.history(job.id);
    return json({ job: toJson(JobSchema, jobMessage(await liveJob(ctx.hotState, job))), history: points.map(pointEvent), logs: logs.map(logEvent) });
  });

  router.add("GET", "/api/v1/jobs/:id/model.zip", async (req) => {
    const found = await readableJob(req);
    if ("refused" in found) return found.refused;
    const { job } = found;
    if (job.status !== "COMPLETED" || !job.modelWeightsSha256) return httpError(409, "failed_precondition", `job ${job.id} has no trained model yet (${job.status})`);
    const filename = `${job.name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-|-$/g, "") || "model"}-${job.id.slice(0, 8)}.zip`;
    return {
      status: 200,
      headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="${filename}"` },
      body: await modelZip(ctx.artifacts, job.modelWeightsSha256),
    };
  });

  router.add("GET", "/api/v1/templates", async () => json({ templates: templates.map((t) => ({ ...t, totalParams: analyzeGraph(t.graph).totalParams })) }));

  router.add("GET", "/api/v1/datasets", async () => json({ datasets: await ctx.datasets.list() }));

  router.add("POST", "/api/v1/datasets", async (req) => {
    const submitter = submitterOf(credentialsFrom(ctx, req.headers.authorization), ctx.config.requireAuth, "datasets");
    const refused = await refusal(submitter);
    if (refused) return refused;
    const limit = Math.min(MAX_DATASET_UPLOAD_BYTES, ctx.config.maxArtifactBytes);
    const tooLarge = httpError(413, "too_large", `a dataset file may be at most ${limit} bytes`);
    if (Number(req.headers["content-length"]) > limit) return tooLarge;
    const request = { name: req.query.get("name") ?? "", description: req.query.get("description") ?? undefined, ownerId: (await submitter)?.user.id ?? null };
    try {
      const result = await ctx.artifacts.receive(req.body, limit, (file) => registerDatasetFile(ctx.datasets, request, file));
      if (result.ok) return json(result.record, 201);
      return httpError(result.problem === "already_exists" ? 409 : 400, result.problem, result.message);
    } catch (error) {
      if (error instanceof ArtifactError && error.reason === "too_large") return tooLarge;
      throw error;
    }
  });

  router.add("DELETE", "/api/v1/datasets/:name", async (req) => {
    const caller = signedIn(credentialsFrom(ctx, req.headers.authorization));
    const refused = await refusal(caller);
    if (refused) return refused;
    const { id } = (await caller).user;
    const name = req.params.name ?? "";
    const refusedDeletion = deletionRefusal(name, id, await ctx.datasets.delete(name, id));
    if (!refusedDeletion) return { status: 204 };
    return httpError(DELETION_STATUS[refusedDeletion.problem], refusedDeletion.problem, refusedDeletion.message);
  });

  /** An artifact's bytes, cacheable forever (its name is its hash). */
  const artifact = async (req: HttpRequest, sha256: string, headers: Record<string, string> = {}): Promise<HttpResult> => {
    const size = SHA256_HEX.test(sha256) ? await ctx.artifacts.size(sha256) : undefined;
    if (size === undefined) return httpError(404, "not_found", `no artifact ${sha256}`);
    if (req.headers["if-none-match"] === `"${sha256}"`) return { status: 304 };
    return {
      status: 200,
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(size),
        "x-content-sha256": sha256,
        etag: `"${sha256}"`,
        "cache-control": "public, max-age=31536000, immutable",
        ...headers,
      },
      body: req.method === "HEAD" ? undefined : ctx.artifacts.open(sha256),
    };
  };

  router.add("GET", "/api/v1/datasets/:name/file", async (req) => {
    const dataset = await ctx.datasets.resolve(req.params.name ?? "");
    if (!dataset) return httpError(404, "not_found", `no dataset named "${req.params.name}"`);
    const download = { "content-disposition": `attachment; filename="${dataset.name}.cxds"`, "cache-control": "no-cache" };
    const manifest = await ctx.datasets.manifestOf(dataset);
    if (!manifest) return artifact(req, dataset.sha256, download);
    // A chunked dataset downloads as the one CXDS file its chunks make, assembled as it is sent.
    const whole = streamWholeFile(manifest, (chunk) => ctx.artifacts.read(chunk.sha256));
    return {
      status: 200,
      headers: { "content-type": "application/octet-stream", "content-length": String(whole.size), ...download },
      body: req.method === "HEAD" ? undefined : Readable.from(whole.parts()),
    };
  });

  router.add("GET", "/artifacts/:sha256", (req) => artifact(req, req.params.sha256 ?? ""));

  router.add("POST", "/api/v1/artifacts", async (req) => {
    // Nodes upload models and checkpoints; signed-in users and API keys upload dataset files.
    const credentials = credentialsFrom(ctx, req.headers.authorization);
    const refused = await refusal(
      credentials.node().catch(async (error: unknown) => {
        if (!(await credentials.user().catch(() => undefined))) throw error;
      }),
    );
    if (refused) return refused;
    const declared = req.headers["x-content-sha256"];
    const expected = typeof declared === "string" ? declared.toLowerCase() : undefined;
    if (expected !== undefined && !SHA256_HEX.test(expected)) return httpError(400, "invalid_argument", "x-content-sha256 must be a hex SHA-256 digest");
    try {
      const stored = await ctx.artifacts.put(req.body, expected);
      const mediaType = (req.headers["content-type"] ?? "application/octet-stream").slice(0, 100);
      await ctx.db.prisma.$executeRaw`
        INSERT INTO artifacts (sha256, size_bytes, media_type) VALUES (${stored.sha256}, ${stored.size}, ${mediaType})
        ON CONFLICT (sha256) DO NOTHING`;
      return json({ sha256: stored.sha256, size: stored.size, uri: artifactPath(stored.sha256) }, 201);
    } catch (error) {
      if (error instanceof ArtifactError) return httpError(error.reason === "too_large" ? 413 : 400, error.reason, error.message);
      throw error;
    }
  });

  addInferenceRoutes(ctx, router);
  return router;
}

function nodeJson(node: NodeRow, timeoutSeconds: number) {
  return {
    id: node.id,
    name: node.name,
    runtime: node.runtime,
    status: node.status,
    online: isOnline(node, timeoutSeconds, Date.now()),
    backend: node.backend,
    computeScore: node.computeScore,
    cpuCores: node.cpuCores,
    ramTotal: Number(node.ramTotal),
    devices: node.devices,
    reputation: node.reputation,
    publicKey: node.publicKey,
    region: node.region,
    createdAt: node.createdAt.toISOString(),
    lastSeen: node.lastSeen.toISOString(),
  };
}
