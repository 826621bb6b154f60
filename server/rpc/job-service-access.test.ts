import { toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type CallOptions } from "@connectrpc/connect";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeploymentService } from "../../gen/cyxwiz/v1/deployment_service_pb";
import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import { GetJobResponseSchema, JobService } from "../../gen/cyxwiz/v1/job_service_pb";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { JOB_TOKEN_HEADER } from "../../lib/wire/headers";
import { inProcessTransport, withJobToken } from "../../tests/helpers/clients";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { createUser } from "../../tests/helpers/fixtures";
import { codeOf } from "../../tests/helpers/rpc-errors";

const submission = {
  config: { name: "mine", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: { epochs: 1, batchSize: 64, learningRate: 0.001 } },
};
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

type Clients = ReturnType<typeof clientsOf>;
function clientsOf(t: TestContext, credential = "") {
  const transport = inProcessTransport(t.ctx, () => credential);
  return { jobs: createClient(JobService, transport), deployments: createClient(DeploymentService, transport) };
}

/** Every call that changes a job, and the state its job is in for the change to apply. */
const CHANGES: { change: string; on: "queued" | "paused" | "completed"; call: (c: Clients, jobId: string, options?: CallOptions) => Promise<unknown> }[] = [
  { change: "CancelJob", on: "queued", call: (c, jobId, options) => c.jobs.cancelJob({ jobId }, options) },
  { change: "PauseJob", on: "queued", call: (c, jobId, options) => c.jobs.pauseJob({ jobId }, options) },
  { change: "ResumeJob", on: "paused", call: (c, jobId, options) => c.jobs.resumeJob({ jobId }, options) },
  { change: "DeleteJob", on: "completed", call: (c, jobId, options) => c.jobs.deleteJob({ jobId }, options) },
  { change: "CreateDeployment", on: "completed", call: (c, jobId, options) => c.deployments.createDeployment({ jobId }, options) },
  { change: "SetJobVisibility", on: "queued", call: (c, jobId, options) => c.jobs.setJobVisibility({ jobId, public: true }, options) },
];

describe.each(DATABASE_KINDS)("who may change a job, on %s", (kind) => {
  let t: TestContext;
  let anonymous: Clients;
  const signedIn = async (name: string) => {
    const user = await createUser(t.ctx, name);
    return { user, clients: clientsOf(t, (await t.ctx.tokens.issueAccessToken(user.id)).token) };
  };
  /** A job submitted by these clients, brought into the state a change applies to. */
  const submitted = async (clients: Clients, on: "queued" | "paused" | "completed" = "queued", visible = false) => {
    const { job, jobToken } = await clients.jobs.submitJob({ ...submission, public: visible });
    const id = job?.id as string;
    if (on === "paused") await t.ctx.db.prisma.job.update({ where: { id }, data: { paused: true } });
    if (on === "completed") await t.ctx.db.prisma.job.update({ where: { id }, data: { status: "COMPLETED", modelWeightsSha256: "ab".repeat(32) } });
    return { id, jobToken };
  };
  /** What a change would alter: the job's row (null once deleted) and its deployments. */
  const stateOf = async (id: string) => ({
    job: await t.ctx.db.prisma.job.findUnique({ where: { id }, select: { status: true, paused: true, public: true, error: true, updatedAt: true } }),
    deployments: await t.ctx.db.prisma.deployment.count({ where: { jobId: id } }),
  });

  beforeAll(async () => {
    t = await createTestContext(kind);
    anonymous = clientsOf(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe("a job submitted without credentials", () => {
    it("is answered with a job token once, and only the token's SHA-256 is stored", async () => {
      const { id, jobToken } = await submitted(anonymous);
      expect(jobToken).toMatch(/^cwj_[A-Za-z0-9_-]{43}$/);
      const row = await t.ctx.db.prisma.job.findUnique({ where: { id } });
      expect(row).toMatchObject({ userId: null, tokenHash: sha256(jobToken) });
      expect(JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))).not.toContain(jobToken);
      expect(toJsonString(GetJobResponseSchema, await anonymous.jobs.getJob({ jobId: id }, withJobToken(jobToken)))).not.toContain(jobToken);
    });

    it.each(CHANGES)("is changed by $change with its token", async ({ on, call }) => {
      const { id, jobToken } = await submitted(anonymous, on);
      const before = await stateOf(id);
      await call(anonymous, id, withJobToken(jobToken));
      expect(await stateOf(id)).not.toEqual(before);
    });

    it("is changed by a signed-in user holding its token", async () => {
      const alice = await signedIn("alice");
      const { id, jobToken } = await submitted(anonymous);
      expect((await alice.clients.jobs.cancelJob({ jobId: id }, withJobToken(jobToken))).job?.status).toBe(JobStatus.CANCELLED);
    });

    it.each(CHANGES)("refuses $change without a sign-in or a token with UNAUTHENTICATED, changing nothing", async ({ on, call }) => {
      const { id } = await submitted(anonymous, on);
      const before = await stateOf(id);
      expect(await codeOf(call(anonymous, id))).toBe(Code.Unauthenticated);
      expect(await stateOf(id)).toEqual(before);
    });

    it.each(CHANGES)("refuses $change with another job's token with NOT_FOUND, as if it did not exist, changing nothing", async ({ on, call }) => {
      const [{ id }, other] = [await submitted(anonymous, on), await submitted(anonymous)];
      const before = await stateOf(id);
      expect(await codeOf(call(anonymous, id, withJobToken(other.jobToken)))).toBe(Code.NotFound);
      expect(await stateOf(id)).toEqual(before);
    });

    it.each(CHANGES)("refuses $change by a signed-in user without its token with NOT_FOUND, changing nothing", async ({ on, call }) => {
      const mallory = await signedIn("mallory");
      const { id } = await submitted(anonymous, on);
      const before = await stateOf(id);
      expect(await codeOf(call(mallory.clients, id))).toBe(Code.NotFound);
      expect(await stateOf(id)).toEqual(before);
    });

    it.each(CHANGES)("refuses $change of a public job with another job's token with PERMISSION_DENIED, changing nothing", async ({ on, call }) => {
      const [{ id }, other] = [await submitted(anonymous, on, true), await submitted(anonymous)];
      const before = await stateOf(id);
      expect(await codeOf(call(anonymous, id, withJobToken(other.jobToken)))).toBe(Code.PermissionDenied);
      expect(await stateOf(id)).toEqual(before);
    });

    it("refuses a token of another kind in the job token header with UNAUTHENTICATED, naming the header", async () => {
      const { id } = await submitted(anonymous);
      const graphToken = `cwg_${"a".repeat(43)}`;
      const failure = await anonymous.jobs.cancelJob({ jobId: id }, withJobToken(graphToken)).catch((e: unknown) => ConnectError.from(e));
      expect(failure).toMatchObject({ code: Code.Unauthenticated, rawMessage: expect.stringContaining(JOB_TOKEN_HEADER) as string });
      expect((await stateOf(id)).job?.status).toBe("QUEUED");
    });

    it("from before job tokens (neither owner nor token) is read and changed by no one", async () => {
      const { id, jobToken } = await submitted(anonymous);
      await t.ctx.db.prisma.job.update({ where: { id }, data: { tokenHash: null } });
      expect(await codeOf(anonymous.jobs.getJob({ jobId: id }, withJobToken(jobToken)))).toBe(Code.NotFound);
      expect(await codeOf(anonymous.jobs.cancelJob({ jobId: id }, withJobToken(jobToken)))).toBe(Code.NotFound);
      expect((await stateOf(id)).job?.status).toBe("QUEUED");
    });

    it("from before job tokens, once public, is read by anyone and still changed by no one", async () => {
      const { id, jobToken } = await submitted(anonymous, "queued", true);
      await t.ctx.db.prisma.job.update({ where: { id }, data: { tokenHash: null } });
      expect((await anonymous.jobs.getJob({ jobId: id })).job?.id).toBe(id);
      expect(await codeOf(anonymous.jobs.cancelJob({ jobId: id }, withJobToken(jobToken)))).toBe(Code.PermissionDenied);
      expect((await stateOf(id)).job?.status).toBe("QUEUED");
    });
  });

  describe("a signed-in user's job", () => {
    it("comes with no job token and belongs to the user", async () => {
      const alice = await signedIn("alice");
      const { id, jobToken } = await submitted(alice.clients);
      expect(jobToken).toBe("");
      expect(await t.ctx.db.prisma.job.findUnique({ where: { id } })).toMatchObject({ userId: alice.user.id, tokenHash: null });
    });

    it("can never also have a job token: the database refuses both", async () => {
      const alice = await signedIn("alice");
      const { id } = await submitted(alice.clients);
      await expect(t.ctx.db.prisma.job.update({ where: { id }, data: { tokenHash: sha256("cwj_stolen") } })).rejects.toThrow();
      expect(await t.ctx.db.prisma.job.findUnique({ where: { id } })).toMatchObject({ userId: alice.user.id, tokenHash: null });
    });

    it.each(CHANGES)("is changed by $change from its owner", async ({ on, call }) => {
      const alice = await signedIn("alice");
      const { id } = await submitted(alice.clients, on);
      const before = await stateOf(id);
      await call(alice.clients, id);
      expect(await stateOf(id)).not.toEqual(before);
    });

    it.each(CHANGES)("refuses $change from another signed-in user with NOT_FOUND, changing nothing", async ({ on, call }) => {
      const [alice, mallory] = [await signedIn("alice"), await signedIn("mallory")];
      const { id } = await submitted(alice.clients, on);
      const before = await stateOf(id);
      expect(await codeOf(call(mallory.clients, id))).toBe(Code.NotFound);
      expect(await stateOf(id)).toEqual(before);
    });

    it.each(CHANGES)("refuses $change of a public job from another signed-in user with PERMISSION_DENIED, changing nothing", async ({ on, call }) => {
      const [alice, mallory] = [await signedIn("alice"), await signedIn("mallory")];
      const { id } = await submitted(alice.clients, on, true);
      const before = await stateOf(id);
      expect(await codeOf(call(mallory.clients, id))).toBe(Code.PermissionDenied);
      expect(await stateOf(id)).toEqual(before);
    });

    it.each(CHANGES)("refuses $change from an anonymous caller holding another job's token with NOT_FOUND, changing nothing", async ({ on, call }) => {
      const alice = await signedIn("alice");
      const [{ id }, other] = [await submitted(alice.clients, on), await submitted(anonymous)];
      const before = await stateOf(id);
      expect(await codeOf(call(anonymous, id, withJobToken(other.jobToken)))).toBe(Code.NotFound);
      expect(await stateOf(id)).toEqual(before);
    });
  });

  describe("who may read a job", () => {
    /** Every read of one job over RPC, each answering the job's id when it may be read. */
    const READS: { read: string; call: (c: Clients, jobId: string, options?: CallOptions) => Promise<string | undefined> }[] = [
      { read: "GetJob", call: async (c, jobId, options) => (await c.jobs.getJob({ jobId }, options)).job?.id },
      {
        read: "WatchJob",
        call: async (c, jobId, options) => {
          for await (const update of c.jobs.watchJob({ jobId }, options)) return update.job?.id;
        },
      },
    ];
    const listed = async (c: Clients, options?: CallOptions) => (await c.jobs.listJobs({ pageSize: 200 }, options)).jobs.map((j) => j.id);

    it.each(READS)("$read answers an anonymous job to its token's holder", async ({ call }) => {
      const { id, jobToken } = await submitted(anonymous);
      expect(await call(anonymous, id, withJobToken(jobToken))).toBe(id);
    });

    it.each(READS)("$read answers a user's job to its owner", async ({ call }) => {
      const alice = await signedIn("alice");
      const { id } = await submitted(alice.clients);
      expect(await call(alice.clients, id)).toBe(id);
    });

    it.each(READS)("$read answers a private job to anyone else with NOT_FOUND, in the words it uses for a job that does not exist", async ({ call }) => {
      const [alice, mallory] = [await signedIn("alice"), await signedIn("mallory")];
      const [mine, theirs] = [await submitted(alice.clients), await submitted(anonymous)];
      const refusal = async (jobId: string, c: Clients, options?: CallOptions) => (await call(c, jobId, options).catch((e: unknown) => ConnectError.from(e))) as ConnectError;
      const missing = "00000000-0000-4000-8000-000000000000";
      const expected = (await refusal(missing, mallory.clients)).rawMessage;
      for (const [jobId, c, options] of [
        [mine.id, mallory.clients],
        [mine.id, anonymous],
        [theirs.id, mallory.clients],
        [theirs.id, anonymous, withJobToken(mine.jobToken || (await submitted(anonymous)).jobToken)],
      ] as const) {
        const failure = await refusal(jobId, c, options);
        expect(failure.code).toBe(Code.NotFound);
        expect(failure.rawMessage).toBe(expected.replace(missing, jobId));
      }
    });

    it.each(READS)("$read answers a public job to anyone", async ({ call }) => {
      const alice = await signedIn("alice");
      const { id } = await submitted(alice.clients, "queued", true);
      expect(await call(anonymous, id)).toBe(id);
    });

    it("ListJobs lists the caller's own jobs, those of the tokens it sends and the public ones, and no other", async () => {
      const [alice, mallory] = [await signedIn("alice"), await signedIn("mallory")];
      const [alices, anonymous1, anonymous2, open] = [await submitted(alice.clients), await submitted(anonymous), await submitted(anonymous), await submitted(mallory.clients, "queued", true)];
      const malloryPrivate = await submitted(mallory.clients);
      const seen = await listed(alice.clients, withJobToken(anonymous1.jobToken));
      expect(seen).toEqual(expect.arrayContaining([alices.id, anonymous1.id, open.id]));
      expect(seen).not.toContain(anonymous2.id);
      expect(seen).not.toContain(malloryPrivate.id);
      const seenByAnyone = await listed(anonymous);
      expect(seenByAnyone).toContain(open.id);
      expect(seenByAnyone).not.toEqual(expect.arrayContaining([alices.id]));
      expect(seenByAnyone).not.toContain(anonymous1.id);
    });

    it("ListJobs pages through the readable jobs alone, newest first", async () => {
      const alice = await signedIn("alice");
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await submitted(alice.clients)).id);
      await submitted(anonymous);
      const pages: string[] = [];
      let pageToken = "";
      do {
        const page = await alice.clients.jobs.listJobs({ pageSize: 2, pageToken, ownerId: "me" });
        pages.push(...page.jobs.map((j) => j.id));
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(pages).toEqual([...ids].reverse());
    });

    it("SetJobVisibility makes a job public for anyone to read, and private again", async () => {
      const { id, jobToken } = await submitted(anonymous);
      expect((await anonymous.jobs.setJobVisibility({ jobId: id, public: true }, withJobToken(jobToken))).job?.public).toBe(true);
      expect((await anonymous.jobs.getJob({ jobId: id })).job?.public).toBe(true);
      await anonymous.jobs.setJobVisibility({ jobId: id, public: false }, withJobToken(jobToken));
      expect(await codeOf(anonymous.jobs.getJob({ jobId: id }))).toBe(Code.NotFound);
    });
  });
});
