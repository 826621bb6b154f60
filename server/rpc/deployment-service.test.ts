import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeploymentService } from "../../gen/cyxwiz/v1/deployment_service_pb";
import { inProcessTransport, withJobToken } from "../../tests/helpers/clients";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { createUser, holderOf, jobTokenOf, queueJob } from "../../tests/helpers/fixtures";
import { codeOf } from "../../tests/helpers/rpc-errors";

const UNKNOWN_ID = "7f0b2c1e-0000-4000-8000-000000000001";

describe.each(DATABASE_KINDS)("who may use a deployment, on %s", (kind) => {
  let t: TestContext;
  let anonymous: Client<typeof DeploymentService>;
  let names = 0;
  const clientWith = (credential: string) =>
    createClient(
      DeploymentService,
      inProcessTransport(t.ctx, () => credential),
    );
  const signedIn = async (name: string) => {
    const user = await createUser(t.ctx, name);
    return { user, deployments: clientWith((await t.ctx.tokens.issueAccessToken(user.id)).token) };
  };
  /** A job that has finished training, with a model to serve. */
  const completedJob = async (userId: string | null) => {
    const job = await queueJob(t.ctx, { userId: userId ?? undefined });
    await t.ctx.db.prisma.job.update({ where: { id: job.id }, data: { status: "COMPLETED", modelWeightsSha256: "ab".repeat(32) } });
    return job;
  };
  /** A deployment as CreateDeployment leaves it, for the user given (null: anonymous). */
  const deployed = async (userId: string | null) => {
    const job = await completedJob(userId);
    const access = userId ? { userId, tokenHashes: [] } : holderOf(t.ctx, job.id);
    const row = await t.ctx.deployments.create({ name: `model-${kind}-${++names}`, jobId: job.id, userId: userId ?? undefined }, access);
    return row?.id as string;
  };
  /** A deployment made anonymously, and the token of the anonymous job it serves. */
  const deployedAnonymously = async () => {
    const job = await completedJob(null);
    const row = await t.ctx.deployments.create({ name: `model-${kind}-${++names}`, jobId: job.id }, holderOf(t.ctx, job.id));
    return { id: row?.id as string, token: jobTokenOf(t.ctx, job.id) };
  };
  const exists = async (id: string) => (await t.ctx.db.prisma.deployment.count({ where: { id } })) === 1;

  beforeAll(async () => {
    t = await createTestContext(kind);
    anonymous = clientWith("");
  });
  afterAll(async () => {
    await t.close();
  });

  it("belongs to the user who deployed their job, and is listed and deleted by them", async () => {
    const alice = await signedIn("alice");
    const job = await completedJob(alice.user.id);
    const { deployment } = await alice.deployments.createDeployment({ jobId: job.id });
    const id = deployment?.deploymentId as string;
    expect(await t.ctx.db.prisma.deployment.findUnique({ where: { id } })).toMatchObject({ userId: alice.user.id });
    expect((await alice.deployments.listDeployments({})).deployments.map((d) => d.deploymentId)).toEqual([id]);
    await alice.deployments.deleteDeployment({ deploymentId: id });
    expect(await exists(id)).toBe(false);
  });

  it("belongs to the signed-in user who deployed an anonymous job's model", async () => {
    const alice = await signedIn("alice");
    const job = await completedJob(null);
    const { deployment } = await alice.deployments.createDeployment({ jobId: job.id }, withJobToken(jobTokenOf(t.ctx, job.id)));
    expect(await t.ctx.db.prisma.deployment.findUnique({ where: { id: deployment?.deploymentId } })).toMatchObject({ userId: alice.user.id });
  });

  it("cannot be made from another user's private job: NOT_FOUND, as if it did not exist, and none is made", async () => {
    const [alice, mallory] = await Promise.all([signedIn("alice"), signedIn("mallory")]);
    const job = await completedJob(alice.user.id);
    expect(await codeOf(mallory.deployments.createDeployment({ jobId: job.id }))).toBe(Code.NotFound);
    const anothersToken = withJobToken(jobTokenOf(t.ctx, (await completedJob(null)).id));
    expect(await codeOf(anonymous.createDeployment({ jobId: job.id }, anothersToken))).toBe(Code.NotFound);
    expect(await t.ctx.db.prisma.deployment.count({ where: { jobId: job.id } })).toBe(0);
  });

  it("cannot be made from another user's public job: PERMISSION_DENIED, and none is made", async () => {
    const [alice, mallory] = await Promise.all([signedIn("alice"), signedIn("mallory")]);
    const job = await completedJob(alice.user.id);
    await t.ctx.db.prisma.job.update({ where: { id: job.id }, data: { public: true } });
    expect(await codeOf(mallory.deployments.createDeployment({ jobId: job.id }))).toBe(Code.PermissionDenied);
    expect(await t.ctx.db.prisma.deployment.count({ where: { jobId: job.id } })).toBe(0);
  });

  it("is not in another user's list", async () => {
    const [alice, mallory] = await Promise.all([signedIn("alice"), signedIn("mallory")]);
    await deployed(alice.user.id);
    const own = await deployed(mallory.user.id);
    expect((await mallory.deployments.listDeployments({})).deployments.map((d) => d.deploymentId)).toEqual([own]);
  });

  it("is listed to an anonymous caller only with the token of the anonymous job it serves", async () => {
    const alice = await signedIn("alice");
    const users = await deployed(alice.user.id);
    const mine = await deployedAnonymously();
    const theirs = await deployedAnonymously();
    expect((await anonymous.listDeployments({})).deployments).toEqual([]);
    const listed = (await anonymous.listDeployments({}, withJobToken(mine.token))).deployments.map((d) => d.deploymentId);
    expect(listed).toEqual([mine.id]);
    expect(listed).not.toContain(theirs.id);
    expect(listed).not.toContain(users);
  });

  it("cannot be deleted by another user (NOT_FOUND) or without any credential (UNAUTHENTICATED), and it stays", async () => {
    const [alice, mallory] = await Promise.all([signedIn("alice"), signedIn("mallory")]);
    const id = await deployed(alice.user.id);
    expect(await codeOf(mallory.deployments.deleteDeployment({ deploymentId: id }))).toBe(Code.NotFound);
    expect(await codeOf(anonymous.deleteDeployment({ deploymentId: id }))).toBe(Code.Unauthenticated);
    expect(await exists(id)).toBe(true);
  });

  it("answers a guessed id with exactly what an unknown id gets", async () => {
    const [alice, mallory] = await Promise.all([signedIn("alice"), signedIn("mallory")]);
    const id = await deployed(alice.user.id);
    const failure = (deploymentId: string) =>
      mallory.deployments.deleteDeployment({ deploymentId }).then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      );
    const [guessed, unknown] = await Promise.all([failure(id), failure(UNKNOWN_ID)]);
    expect({ code: guessed?.code, message: guessed?.rawMessage.replace(id, "<id>") }).toEqual({ code: unknown?.code, message: unknown?.rawMessage.replace(UNKNOWN_ID, "<id>") });
  });

  it("made anonymously is deleted by whoever holds the token of the job it serves", async () => {
    const { id, token } = await deployedAnonymously();
    await anonymous.deleteDeployment({ deploymentId: id }, withJobToken(token));
    expect(await exists(id)).toBe(false);
  });

  it("made anonymously is not deleted without its job's token: UNAUTHENTICATED with none, NOT_FOUND with another job's, and it stays", async () => {
    const { id } = await deployedAnonymously();
    const other = await deployedAnonymously();
    expect(await codeOf(anonymous.deleteDeployment({ deploymentId: id }))).toBe(Code.Unauthenticated);
    expect(await codeOf(anonymous.deleteDeployment({ deploymentId: id }, withJobToken(other.token)))).toBe(Code.NotFound);
    expect(await exists(id)).toBe(true);
  });

  it("made anonymously is not deleted by a signed-in user, who owns none of it", async () => {
    const alice = await signedIn("alice");
    const id = await deployed(null);
    expect(await codeOf(alice.deployments.deleteDeployment({ deploymentId: id }))).toBe(Code.NotFound);
    expect(await exists(id)).toBe(true);
  });

  it("refuses every call whose credential does not verify with UNAUTHENTICATED, changing nothing", async () => {
    const forged = clientWith("not-a-real-access-token");
    const id = await deployed(null);
    const job = await completedJob(null);
    expect(await codeOf(forged.createDeployment({ jobId: job.id }))).toBe(Code.Unauthenticated);
    expect(await codeOf(forged.listDeployments({}))).toBe(Code.Unauthenticated);
    expect(await codeOf(forged.deleteDeployment({ deploymentId: id }))).toBe(Code.Unauthenticated);
    expect(await exists(id)).toBe(true);
    expect(await t.ctx.db.prisma.deployment.count({ where: { jobId: job.id } })).toBe(0);
  });
});
