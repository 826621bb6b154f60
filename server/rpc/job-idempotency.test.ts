import { Code, ConnectError, createClient, createRouterTransport, type Client, type Interceptor } from "@connectrpc/connect";
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthService } from "../../gen/cyxwiz/v1/auth_service_pb";
import { JobService } from "../../gen/cyxwiz/v1/job_service_pb";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { IDEMPOTENCY_HEADER } from "../../lib/wire/headers";
import { submitJobOnce } from "../../lib/wire/submit-job";
import { inProcessTransport, withJobToken } from "../../tests/helpers/clients";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { rpcRouterOptions, rpcRoutes } from "./routes";

const submission = (epochs = 1) => ({
  config: { name: "retried", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: { epochs, batchSize: 64, learningRate: 0.001 } },
});
const withKey = (key: string) => ({ headers: { [IDEMPOTENCY_HEADER]: key } });

describe.each(DATABASE_KINDS)("SubmitJob's Idempotency-Key on %s", (kind) => {
  let t: TestContext;
  let anonymous: Client<typeof JobService>;
  const jobCount = () => t.ctx.db.prisma.job.count();
  const refusal = (call: Promise<unknown>) =>
    call.then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );

  beforeAll(async () => {
    t = await createTestContext(kind);
    anonymous = createClient(JobService, inProcessTransport(t.ctx));
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers a retry with the job the first submission stored, storing no other", async () => {
    const key = randomUUID();
    const before = await jobCount();
    const first = await anonymous.submitJob(submission(), withKey(key));
    const retried = await anonymous.submitJob(submission(), withKey(key));
    expect(retried.job?.id).toBe(first.job?.id);
    expect(await jobCount()).toBe(before + 1);
  });

  it("answers an anonymous retry with the job token the first answer carried, which changes the job", async () => {
    const key = randomUUID();
    const first = await anonymous.submitJob(submission(), withKey(key));
    const retried = await anonymous.submitJob(submission(), withKey(key));
    expect(retried.jobToken).toMatch(/^cwj_/);
    expect(retried.jobToken).toBe(first.jobToken);
    await anonymous.cancelJob({ jobId: retried.job?.id }, withJobToken(retried.jobToken));
    expect(await t.ctx.db.prisma.job.findUnique({ where: { id: retried.job?.id } })).toMatchObject({ status: "CANCELLED" });
  });

  it("answers no job token to a retry that finds a job without one", async () => {
    const key = randomUUID();
    const { job } = await anonymous.submitJob(submission(), withKey(key));
    // As a job from before job tokens, or one whose user was deleted, is stored.
    await t.ctx.db.prisma.job.update({ where: { id: job?.id }, data: { tokenHash: null } });
    const retried = await anonymous.submitJob(submission(), withKey(key));
    expect(retried.job?.id).toBe(job?.id);
    expect(retried.jobToken).toBe("");
  });

  it("logs and announces the job once however often it is retried", async () => {
    const key = randomUUID();
    const { job } = await anonymous.submitJob(submission(), withKey(key));
    await anonymous.submitJob(submission(), withKey(key));
    expect(await t.ctx.db.prisma.jobLog.count({ where: { jobId: job?.id, message: { startsWith: "queued" } } })).toBe(1);
  });

  it("stores one job when submissions with one key arrive together", async () => {
    const key = randomUUID();
    const before = await jobCount();
    const answers = await Promise.all(Array.from({ length: 5 }, () => anonymous.submitJob(submission(), withKey(key))));
    expect(new Set(answers.map((a) => a.job?.id)).size).toBe(1);
    expect(await jobCount()).toBe(before + 1);
  });

  it("refuses the key sent with a different request, naming the header, and stores nothing", async () => {
    const key = randomUUID();
    await anonymous.submitJob(submission(1), withKey(key));
    const before = await jobCount();
    const error = await refusal(anonymous.submitJob(submission(2), withKey(key)));
    expect(error).toMatchObject({ code: Code.InvalidArgument });
    expect(error?.rawMessage).toContain(IDEMPOTENCY_HEADER);
    expect(await jobCount()).toBe(before);
  });

  it("keeps each submitter's keys apart: another user's same key is another job", async () => {
    const key = randomUUID();
    const { session } = await createClient(AuthService, inProcessTransport(t.ctx)).signUp({ email: `retry-${kind}@example.com`, password: "correct horse battery" });
    const signedIn = createClient(
      JobService,
      inProcessTransport(t.ctx, () => session?.accessToken ?? ""),
    );
    const theirs = await signedIn.submitJob(submission(), withKey(key));
    const mine = await anonymous.submitJob(submission(), withKey(key));
    expect(mine.job?.id).not.toBe(theirs.job?.id);
  });

  it("refuses a malformed key, naming the header, and stores nothing", async () => {
    const before = await jobCount();
    const error = await refusal(anonymous.submitJob(submission(), withKey("has spaces in it")));
    expect(error).toMatchObject({ code: Code.InvalidArgument });
    expect(error?.rawMessage).toContain(IDEMPOTENCY_HEADER);
    expect(await jobCount()).toBe(before);
  });

  it("stores a new job for each submission without a key", async () => {
    const first = await anonymous.submitJob(submission());
    const second = await anonymous.submitJob(submission());
    expect(second.job?.id).not.toBe(first.job?.id);
  });

  it("lets a client whose answer was lost retry until it hears of the one job stored", async () => {
    let lost = 2;
    // The server stores the job and answers, and the answer never arrives: twice.
    const loseAnswers: Interceptor = (next) => async (req) => {
      const answer = await next(req);
      if (lost-- > 0) throw new ConnectError("connection reset", Code.Unavailable);
      return answer;
    };
    const client = createClient(JobService, createRouterTransport(rpcRoutes(t.ctx), { router: rpcRouterOptions(t.ctx), transport: { interceptors: [loseAnswers] } }));
    const before = await jobCount();
    const { job, jobToken } = await submitJobOnce(client, submission(), async () => undefined);
    expect(await jobCount()).toBe(before + 1);
    expect(await t.ctx.db.prisma.job.findUnique({ where: { id: job?.id } })).toMatchObject({ tokenHash: createHash("sha256").update(jobToken).digest("hex") });
  });
});
