import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../auth/passwords";
import { startTestServer } from "../../tests/helpers/context";
import { queueJob } from "../../tests/helpers/fixtures";

/** Whose models an API key reaches through the OpenAI-style gateway: its user's own, and those deployed anonymously. */
describe("the inference gateway's models, by API key", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const keys: Record<"alice" | "bob", string> = { alice: "", bob: "" };

  beforeAll(async () => {
    server = await startTestServer();
    const { users } = server.context;
    const ids: Record<string, string> = {};
    for (const name of ["alice", "bob"] as const) {
      const user = await users.createWithPassword(`${name}@example.com`, await hashPassword("correct horse battery"), name);
      ids[name] = user!.id;
      keys[name] = (await users.createApiKey(user!.id, "tests", 1000)).secret;
    }
    const deploy = async (name: string, userId: string | null) => {
      const job = await queueJob(server.context, { userId: userId ?? undefined });
      await server.context.db.prisma.deployment.create({ data: { name, jobId: job.id, userId, status: "PENDING" } });
    };
    await deploy("alices-model", ids.alice as string);
    await deploy("bobs-model", ids.bob as string);
    await deploy("anyones-model", null);
  });
  afterAll(async () => {
    await server?.close();
  });

  const models = async (key: string) =>
    ((await (await fetch(`${server.httpUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string; owned_by: string }[] }).data;
  const predict = (key: string, model: string) =>
    fetch(`${server.httpUrl}/v1/predict`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ model, inputs: [[0, 0]] }) });

  it("lists a key's own models and the anonymous ones, never another user's", async () => {
    expect((await models(keys.alice)).map((m) => m.id).sort()).toEqual(["alices-model", "anyones-model"]);
    expect((await models(keys.bob)).map((m) => m.id).sort()).toEqual(["anyones-model", "bobs-model"]);
  });

  it("says of a model only whether the caller made it, never who did", async () => {
    expect(Object.fromEntries((await models(keys.alice)).map((m) => [m.id, m.owned_by]))).toEqual({ "alices-model": "you", "anyones-model": "anyone" });
  });

  it("answers a call of another user's model as it answers a name that does not exist", async () => {
    const theirs = await predict(keys.alice, "bobs-model");
    const unknown = await predict(keys.alice, "no-such-model");
    expect(theirs.status).toBe(404);
    expect(((await theirs.json()) as { error: { code: string } }).error.code).toBe(((await unknown.json()) as { error: { code: string } }).error.code);
  });

  it("reaches the key's own model and the anonymous ones (here no node serves them yet)", async () => {
    expect((await predict(keys.alice, "alices-model")).status).toBe(503);
    expect((await predict(keys.bob, "anyones-model")).status).toBe(503);
  });
});
