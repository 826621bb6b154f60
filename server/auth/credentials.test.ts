import { Code, createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobService } from "../../gen/cyxwiz/v1/job_service_pb";
import { NodeService } from "../../gen/cyxwiz/v1/node_service_pb";
import { inProcessTransport } from "../../tests/helpers/clients";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { codeOf } from "../../tests/helpers/rpc-errors";
import { credentialsFrom } from "./credentials";
import { hashPassword } from "./passwords";

const NODE_ID = "00000000-0000-4000-8000-000000000001";

describe("a request's credentials", () => {
  let t: TestContext;
  let userId: string;
  let accessToken: string;
  let nodeToken: string;
  beforeAll(async () => {
    t = await createTestContext("pglite");
    const user = await t.ctx.users.createWithPassword("owner@example.com", await hashPassword("correct horse battery"), "Owner");
    userId = user!.id;
    accessToken = (await t.ctx.tokens.issueAccessToken(userId)).token;
    nodeToken = (await t.ctx.tokens.issueNodeToken(NODE_ID)).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("are anonymous without an authorization header: no user, and no node", async () => {
    const credentials = credentialsFrom(t.ctx, undefined);
    expect(await credentials.user()).toBeUndefined();
    expect(await codeOf(credentials.node())).toBe(Code.Unauthenticated);
  });

  it("name the signed-in user of an access token", async () => {
    expect((await credentialsFrom(t.ctx, `Bearer ${accessToken}`).user())?.user.id).toBe(userId);
  });

  it("look the user up once however often handlers ask", async () => {
    let lookups = 0;
    const users = { ...t.ctx.users, get: (id: string) => (lookups++, t.ctx.users.get(id)) } as typeof t.ctx.users;
    const credentials = credentialsFrom({ users, tokens: t.ctx.tokens }, `Bearer ${accessToken}`);
    await Promise.all([credentials.user(), credentials.user(), credentials.user()]);
    expect(lookups).toBe(1);
  });

  it("prove the node of a session token, which must be the node the call names", async () => {
    const credentials = credentialsFrom(t.ctx, `Bearer ${nodeToken}`);
    expect(await credentials.node(NODE_ID)).toBe(NODE_ID);
    expect(await codeOf(credentials.node("00000000-0000-4000-8000-000000000002"))).toBe(Code.PermissionDenied);
  });

  it("refuse a forged session token as UNAUTHENTICATED: it proves no node", async () => {
    expect(await codeOf(credentialsFrom(t.ctx, "Bearer forged").node())).toBe(Code.Unauthenticated);
  });

  it("refuse a job token presented as a session token as UNAUTHENTICATED", async () => {
    const jobToken = await t.ctx.tokens.issueJobToken({ jobId: "00000000-0000-4000-8000-00000000000a", nodeId: NODE_ID, attempt: 1 });
    expect(await codeOf(credentialsFrom(t.ctx, `Bearer ${jobToken}`).node())).toBe(Code.Unauthenticated);
  });

  it("refuse an access token presented as a session token as UNAUTHENTICATED", async () => {
    expect(await codeOf(credentialsFrom(t.ctx, `Bearer ${accessToken}`).node())).toBe(Code.Unauthenticated);
  });

  it("never pass a node's session token for a user", async () => {
    expect(await codeOf(credentialsFrom(t.ctx, `Bearer ${nodeToken}`).user())).toBe(Code.Unauthenticated);
  });

  it("that do not verify fail only the handlers that ask for them", async () => {
    const transport = inProcessTransport(t.ctx, () => "not-a-token");
    expect((await createClient(NodeService, transport).getRegistrationChallenge({})).challenge).not.toBe("");
    expect(await codeOf(createClient(JobService, transport).listJobs({ ownerId: "me" }))).toBe(Code.Unauthenticated);
  });
});
