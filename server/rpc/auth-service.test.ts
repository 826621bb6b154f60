import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toJsonString } from "@bufbuild/protobuf";
import { AuthService, ListApiKeysResponseSchema } from "../../gen/cyxwiz/v1/auth_service_pb";
import type { JobType } from "../../gen/cyxwiz/v1/job_pb";
import { JobService } from "../../gen/cyxwiz/v1/job_service_pb";
import { generateKeyPair } from "../../lib/compute/identity";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { base58Encode } from "../auth/base58";
import { inProcessTransport, withJobToken } from "../../tests/helpers/clients";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { codeOf } from "../../tests/helpers/rpc-errors";

const PASSWORD = "correct horse battery";
const submit = { config: { name: "mine", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: { epochs: 1, batchSize: 64, learningRate: 0.001 } } };

/** A Solana-style wallet: an ed25519 key pair named by its base58 public key. */
async function wallet() {
  const keys = await generateKeyPair(false);
  const address = base58Encode(new Uint8Array(await crypto.subtle.exportKey("raw", keys.publicKey)));
  const sign = async (message: string) => new Uint8Array(await crypto.subtle.sign("Ed25519", keys.privateKey, new TextEncoder().encode(message)));
  return { address, sign };
}

describe.each(DATABASE_KINDS)("AuthService on %s", (kind) => {
  let t: TestContext;
  const clients = (credential = "") => {
    const transport = inProcessTransport(t.ctx, () => credential);
    return { auth: createClient(AuthService, transport), jobs: createClient(JobService, transport) };
  };
  let anonymous: Client<typeof AuthService>;
  let emails = 0;
  const signUp = async () => (await anonymous.signUp({ email: `user${++emails}-${kind}@example.com`, password: PASSWORD })).session;

  beforeAll(async () => {
    t = await createTestContext(kind);
    anonymous = clients().auth;
  });
  afterAll(async () => {
    await t.close();
  });

  it("signs a new user up and in, and knows who the access token is", async () => {
    const session = await signUp();
    expect(session?.user?.email).toMatch(/@example\.com$/);
    const again = (await anonymous.signIn({ email: session?.user?.email, password: PASSWORD })).session;
    expect(again?.user?.userId).toBe(session?.user?.userId);
    expect(await clients(again?.accessToken).auth.whoAmI({})).toMatchObject({ user: { userId: session?.user?.userId }, credential: "access_token" });
  });

  it("refuses a second account for the same email, naming the field", async () => {
    const session = await signUp();
    const error = await anonymous.signUp({ email: session?.user?.email.toUpperCase(), password: PASSWORD }).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.AlreadyExists });
    expect((error as ConnectError).rawMessage).toMatch(/^email:/);
  });

  it("names the field of a bad sign-up and stores nothing", async () => {
    const before = await t.ctx.db.prisma.user.count();
    expect(await codeOf(anonymous.signUp({ email: "not-an-email", password: PASSWORD }))).toBe(Code.InvalidArgument);
    const short = await anonymous.signUp({ email: "short@example.com", password: "short" }).catch((e: unknown) => ConnectError.from(e));
    expect((short as ConnectError).rawMessage).toMatch(/^password: must be at least 10/);
    expect(await t.ctx.db.prisma.user.count()).toBe(before);
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    const session = await signUp();
    const wrong = await anonymous.signIn({ email: session?.user?.email, password: "wrong password!" }).catch((e: unknown) => ConnectError.from(e));
    const unknown = await anonymous.signIn({ email: "nobody@example.com", password: PASSWORD }).catch((e: unknown) => ConnectError.from(e));
    expect(wrong).toMatchObject({ code: Code.Unauthenticated });
    expect((unknown as ConnectError).rawMessage).toBe((wrong as ConnectError).rawMessage);
  });

  it("refreshes once per refresh token, and ends every session when a used one comes back", async () => {
    const session = await signUp();
    const refreshed = (await anonymous.refreshToken({ refreshToken: session?.refreshToken })).session;
    expect(refreshed?.user?.userId).toBe(session?.user?.userId);
    expect(refreshed?.refreshToken).not.toBe(session?.refreshToken);
    expect(await codeOf(anonymous.refreshToken({ refreshToken: session?.refreshToken }))).toBe(Code.Unauthenticated);
    // The reuse ended the newer session as well.
    expect(await codeOf(anonymous.refreshToken({ refreshToken: refreshed?.refreshToken }))).toBe(Code.Unauthenticated);
  });

  it("signs out by spending the refresh token", async () => {
    const session = await signUp();
    await anonymous.signOut({ refreshToken: session?.refreshToken });
    expect(await codeOf(anonymous.refreshToken({ refreshToken: session?.refreshToken }))).toBe(Code.Unauthenticated);
  });

  it("refuses a forged or foreign access token", async () => {
    expect(await codeOf(clients("not.a.token").auth.whoAmI({}))).toBe(Code.Unauthenticated);
    expect(await codeOf(anonymous.whoAmI({}))).toBe(Code.Unauthenticated);
  });

  it("creates API keys shown once, which work as credentials until revoked", async () => {
    const session = await signUp();
    const mine = clients(session?.accessToken).auth;
    const created = await mine.createApiKey({ name: "ci", rateLimitPerMinute: 120 });
    expect(created.apiKey).toMatch(/^cwk_/);
    expect(created.key).toMatchObject({ name: "ci", rateLimitPerMinute: 120, prefix: created.apiKey.slice(0, 12) });
    expect(toJsonString(ListApiKeysResponseSchema, await mine.listApiKeys({}))).not.toContain(created.apiKey);
    expect(await clients(created.apiKey).auth.whoAmI({})).toMatchObject({ credential: "api_key", user: { userId: session?.user?.userId } });
    expect((await anonymous.signInWithApiKey({ apiKey: created.apiKey })).session?.user?.userId).toBe(session?.user?.userId);
    await mine.revokeApiKey({ keyId: created.key?.keyId });
    expect(await codeOf(clients(created.apiKey).auth.whoAmI({}))).toBe(Code.Unauthenticated);
    expect((await mine.listApiKeys({})).keys).toHaveLength(0);
  });

  it("does not let a user revoke another user's key", async () => {
    const [owner, other] = [await signUp(), await signUp()];
    const { key } = await clients(owner?.accessToken).auth.createApiKey({ name: "mine" });
    expect(await codeOf(clients(other?.accessToken).auth.revokeApiKey({ keyId: key?.keyId }))).toBe(Code.NotFound);
    expect((await clients(owner?.accessToken).auth.listApiKeys({})).keys).toHaveLength(1);
  });

  it("signs a wallet in by its signature, the same user each time", async () => {
    const w = await wallet();
    const first = await anonymous.getWalletChallenge({ walletAddress: w.address });
    const session = (await anonymous.signInWithWallet({ walletAddress: w.address, message: first.message, signature: await w.sign(first.message) })).session;
    expect(session?.user?.walletAddress).toBe(w.address);
    const second = await anonymous.getWalletChallenge({ walletAddress: w.address });
    const again = (await anonymous.signInWithWallet({ walletAddress: w.address, message: second.message, signature: await w.sign(second.message) })).session;
    expect(again?.user?.userId).toBe(session?.user?.userId);
  });

  it("refuses a replayed wallet sign-in, another wallet's signature, and an altered message", async () => {
    const [w, thief] = [await wallet(), await wallet()];
    const { message } = await anonymous.getWalletChallenge({ walletAddress: w.address });
    const signature = await w.sign(message);
    await anonymous.signInWithWallet({ walletAddress: w.address, message, signature });
    expect(await codeOf(anonymous.signInWithWallet({ walletAddress: w.address, message, signature }))).toBe(Code.PermissionDenied);
    const next = await anonymous.getWalletChallenge({ walletAddress: w.address });
    expect(await codeOf(anonymous.signInWithWallet({ walletAddress: w.address, message: next.message, signature: await thief.sign(next.message) }))).toBe(Code.PermissionDenied);
    expect(await codeOf(anonymous.signInWithWallet({ walletAddress: w.address, message: `${next.message} `, signature: await w.sign(`${next.message} `) }))).toBe(Code.InvalidArgument);
    expect(await codeOf(anonymous.getWalletChallenge({ walletAddress: "0xnot-base58" }))).toBe(Code.InvalidArgument);
  });

  it("makes the submitting user a job's owner, and only the owner may cancel or delete it", async () => {
    const [owner, other] = [await signUp(), await signUp()];
    const { job } = await clients(owner?.accessToken).jobs.submitJob(submit);
    expect(job?.ownerId).toBe(owner?.user?.userId);
    // A private job: to anyone else it is not there at all.
    expect(await codeOf(clients(other?.accessToken).jobs.cancelJob({ jobId: job?.id }))).toBe(Code.NotFound);
    const { jobToken: anothersToken } = await clients().jobs.submitJob(submit);
    expect(await codeOf(clients().jobs.cancelJob({ jobId: job?.id }, withJobToken(anothersToken)))).toBe(Code.NotFound);
    expect(await codeOf(clients(owner?.accessToken).jobs.deleteJob({ jobId: job?.id }))).toBe(Code.FailedPrecondition);
    await clients(owner?.accessToken).jobs.cancelJob({ jobId: job?.id });
    expect(await codeOf(clients(other?.accessToken).jobs.deleteJob({ jobId: job?.id }))).toBe(Code.NotFound);
    await clients(owner?.accessToken).jobs.deleteJob({ jobId: job?.id });
    expect(await codeOf(clients(owner?.accessToken).jobs.getJob({ jobId: job?.id }))).toBe(Code.NotFound);
  });

  it("lists a user's own jobs, another user's public ones, and jobs by type", async () => {
    const [owner, other] = [await signUp(), await signUp()];
    const { job } = await clients(owner?.accessToken).jobs.submitJob(submit);
    const { job: shown } = await clients(owner?.accessToken).jobs.submitJob({ ...submit, public: true });
    await clients(other?.accessToken).jobs.submitJob(submit);
    expect((await clients(owner?.accessToken).jobs.listJobs({ ownerId: "me" })).jobs.map((j) => j.id)).toEqual([shown?.id, job?.id]);
    expect((await clients().jobs.listJobs({ ownerId: owner?.user?.userId })).jobs.map((j) => j.id)).toEqual([shown?.id]);
    expect(await codeOf(clients().jobs.listJobs({ ownerId: "me" }))).toBe(Code.Unauthenticated);
    expect(await codeOf(clients().jobs.listJobs({ jobTypes: [99 as JobType] }))).toBe(Code.InvalidArgument);
  });
});

describe("a server that takes jobs from signed-in users only", () => {
  it("refuses an anonymous submission and accepts an API key's", async () => {
    const t = await createTestContext("pglite", { requireAuth: true });
    try {
      const make = (credential = "") => inProcessTransport(t.ctx, () => credential);
      expect(await codeOf(createClient(JobService, make()).submitJob(submit))).toBe(Code.Unauthenticated);
      const session = (await createClient(AuthService, make()).signUp({ email: "only@example.com", password: PASSWORD })).session;
      const { apiKey } = await createClient(AuthService, make(session?.accessToken)).createApiKey({ name: "bot" });
      const { job } = await createClient(JobService, make(apiKey)).submitJob(submit);
      expect(job?.ownerId).toBe(session?.user?.userId);
    } finally {
      await t.close();
    }
  });
});
