import { createHash } from "node:crypto";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphService } from "../../gen/cyxwiz/v1/graph_service_pb";
import { fromExecutionGraph, serializeDocument } from "../../lib/editor/document";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { GRAPH_TOKEN_HEADER } from "../../lib/wire/headers";
import { inProcessTransport } from "../../tests/helpers/clients";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { createUser } from "../../tests/helpers/fixtures";
import { codeOf } from "../../tests/helpers/rpc-errors";

const documentNamed = (name: string) => serializeDocument({ ...fromExecutionGraph(mlpDigits.graph), name });
const withToken = (token: string) => ({ headers: { [GRAPH_TOKEN_HEADER]: token } });
const UNKNOWN_ID = "7f0b2c1e-0000-4000-8000-000000000001";

describe.each(DATABASE_KINDS)("who may use a saved graph, on %s", (kind) => {
  let t: TestContext;
  let anonymous: Client<typeof GraphService>;
  const clientWith = (credential: string) =>
    createClient(
      GraphService,
      inProcessTransport(t.ctx, () => credential),
    );
  const signedIn = async (name: string) => {
    const user = await createUser(t.ctx, name);
    return { user, graphs: clientWith((await t.ctx.tokens.issueAccessToken(user.id)).token) };
  };
  const nameOf = async (graphId: string) => {
    const row = await t.ctx.db.prisma.graph.findUnique({ where: { id: graphId } });
    return { name: row?.name, revision: row?.revision };
  };
  const failure = (call: Promise<unknown>) =>
    call.then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );

  beforeAll(async () => {
    t = await createTestContext(kind);
    anonymous = clientWith("");
  });
  afterAll(async () => {
    await t.close();
  });

  describe("a signed-in user's graph", () => {
    it("belongs to the user who saved it, and comes with no graph token", async () => {
      const alice = await signedIn("alice");
      const saved = await alice.graphs.saveGraph({ document: documentNamed("alice's") });
      expect(saved.graphToken).toBe("");
      expect(await t.ctx.db.prisma.graph.findUnique({ where: { id: saved.graph?.graphId } })).toMatchObject({ ownerId: alice.user.id, tokenHash: null });
    });

    it("is read, revised, listed and deleted by its owner", async () => {
      const alice = await signedIn("alice");
      const { graph } = await alice.graphs.saveGraph({ document: documentNamed("v1") });
      const id = graph?.graphId as string;
      await alice.graphs.saveGraph({ graphId: id, expectedRevision: 1, document: documentNamed("v2") });
      expect(JSON.parse((await alice.graphs.getGraph({ graphId: id, revision: 1 })).document).name).toBe("v1");
      expect((await alice.graphs.listGraphs({})).graphs.map((g) => g.graphId)).toEqual([id]);
      await alice.graphs.deleteGraph({ graphId: id });
      expect(await nameOf(id)).toEqual({ name: undefined, revision: undefined });
    });

    it("is NOT_FOUND to another user reading it, at any revision", async () => {
      const [alice, mallory] = await Promise.all([signedIn("alice"), signedIn("mallory")]);
      const { graph } = await alice.graphs.saveGraph({ document: documentNamed("secret") });
      expect(await codeOf(mallory.graphs.getGraph({ graphId: graph?.graphId }))).toBe(Code.NotFound);
      expect(await codeOf(mallory.graphs.getGraph({ graphId: graph?.graphId, revision: 1 }))).toBe(Code.NotFound);
    });

    it("cannot be overwritten by another user: NOT_FOUND, and the owner still has revision 1 with their content", async () => {
      const [alice, mallory] = await Promise.all([signedIn("alice"), signedIn("mallory")]);
      const { graph } = await alice.graphs.saveGraph({ document: documentNamed("alice's work") });
      expect(await codeOf(mallory.graphs.saveGraph({ graphId: graph?.graphId, expectedRevision: 1, document: documentNamed("defaced") }))).toBe(Code.NotFound);
      const mine = await alice.graphs.getGraph({ graphId: graph?.graphId });
      expect({ revision: mine.revision, name: JSON.parse(mine.document).name }).toEqual({ revision: 1, name: "alice's work" });
    });

    it("cannot be deleted by another user: NOT_FOUND, and it stays", async () => {
      const [alice, mallory] = await Promise.all([signedIn("alice"), signedIn("mallory")]);
      const { graph } = await alice.graphs.saveGraph({ document: documentNamed("keep me") });
      expect(await codeOf(mallory.graphs.deleteGraph({ graphId: graph?.graphId }))).toBe(Code.NotFound);
      expect(await nameOf(graph?.graphId as string)).toEqual({ name: "keep me", revision: 1 });
    });

    it("is not in another user's list", async () => {
      const [alice, mallory] = await Promise.all([signedIn("alice"), signedIn("mallory")]);
      await alice.graphs.saveGraph({ document: documentNamed("alice's") });
      const { graph: own } = await mallory.graphs.saveGraph({ document: documentNamed("mallory's") });
      expect((await mallory.graphs.listGraphs({ pageSize: 200 })).graphs.map((g) => g.graphId)).toEqual([own?.graphId]);
    });

    it("is UNAUTHENTICATED to an anonymous caller reading, saving or deleting it, and nothing changes", async () => {
      const alice = await signedIn("alice");
      const { graph } = await alice.graphs.saveGraph({ document: documentNamed("alice's") });
      const graphId = graph?.graphId;
      expect(await codeOf(anonymous.getGraph({ graphId }))).toBe(Code.Unauthenticated);
      expect(await codeOf(anonymous.saveGraph({ graphId, expectedRevision: 1, document: documentNamed("defaced") }))).toBe(Code.Unauthenticated);
      expect(await codeOf(anonymous.deleteGraph({ graphId }))).toBe(Code.Unauthenticated);
      expect(await nameOf(graphId as string)).toEqual({ name: "alice's", revision: 1 });
    });

    it("answers another user's guess with exactly what an unknown id gets", async () => {
      const [alice, mallory] = await Promise.all([signedIn("alice"), signedIn("mallory")]);
      const { graph } = await alice.graphs.saveGraph({ document: documentNamed("alice's") });
      const id = graph?.graphId as string;
      for (const call of [
        (graphId: string) => mallory.graphs.getGraph({ graphId }),
        (graphId: string) => mallory.graphs.saveGraph({ graphId, expectedRevision: 1, document: documentNamed("x") }),
        (graphId: string) => mallory.graphs.deleteGraph({ graphId }),
      ]) {
        const [guessed, unknown] = await Promise.all([failure(call(id)), failure(call(UNKNOWN_ID))]);
        expect({ code: guessed?.code, message: guessed?.rawMessage.replace(id, "<id>") }).toEqual({ code: unknown?.code, message: unknown?.rawMessage.replace(UNKNOWN_ID, "<id>") });
      }
    });
  });

  describe("an anonymous graph", () => {
    it("is created without an owner and answered with a graph token, once, of which only the SHA-256 is stored", async () => {
      const saved = await anonymous.saveGraph({ document: documentNamed("anonymous") });
      expect(saved.graphToken).toMatch(/^cwg_[A-Za-z0-9_-]{43}$/);
      const row = await t.ctx.db.prisma.graph.findUnique({ where: { id: saved.graph?.graphId } });
      expect(row).toMatchObject({ ownerId: null, tokenHash: createHash("sha256").update(saved.graphToken).digest("hex") });
      expect(JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))).not.toContain(saved.graphToken);
      const revised = await anonymous.saveGraph({ graphId: saved.graph?.graphId, expectedRevision: 1, document: documentNamed("anonymous 2") }, withToken(saved.graphToken));
      expect(revised.graphToken).toBe("");
    });

    it("is read, revised, listed and deleted with its graph token", async () => {
      const { graph, graphToken } = await anonymous.saveGraph({ document: documentNamed("v1") });
      const id = graph?.graphId as string;
      await anonymous.saveGraph({ graphId: id, expectedRevision: 1, document: documentNamed("v2") }, withToken(graphToken));
      expect(JSON.parse((await anonymous.getGraph({ graphId: id }, withToken(graphToken))).document).name).toBe("v2");
      expect(JSON.parse((await anonymous.getGraph({ graphId: id, revision: 1 }, withToken(graphToken))).document).name).toBe("v1");
      expect((await anonymous.listGraphs({}, withToken(graphToken))).graphs.map((g) => g.graphId)).toEqual([id]);
      await anonymous.deleteGraph({ graphId: id }, withToken(graphToken));
      expect(await nameOf(id)).toEqual({ name: undefined, revision: undefined });
    });

    it("lists the graphs of every token sent, and no other", async () => {
      await anonymous.saveGraph({ document: documentNamed("someone else's") });
      const first = await anonymous.saveGraph({ document: documentNamed("first") });
      const second = await anonymous.saveGraph({ document: documentNamed("second") });
      const listed = await anonymous.listGraphs({}, withToken(`${first.graphToken}, ${second.graphToken}`));
      expect(listed.graphs.map((g) => g.name)).toEqual(["second", "first"]);
    });

    it("is UNAUTHENTICATED without its token, and nothing changes", async () => {
      const { graph } = await anonymous.saveGraph({ document: documentNamed("mine") });
      const graphId = graph?.graphId;
      expect(await codeOf(anonymous.getGraph({ graphId }))).toBe(Code.Unauthenticated);
      expect(await codeOf(anonymous.saveGraph({ graphId, expectedRevision: 1, document: documentNamed("defaced") }))).toBe(Code.Unauthenticated);
      expect(await codeOf(anonymous.deleteGraph({ graphId }))).toBe(Code.Unauthenticated);
      expect(await nameOf(graphId as string)).toEqual({ name: "mine", revision: 1 });
    });

    it("is NOT_FOUND with a wrong token or another graph's, as an unknown id is, and nothing changes", async () => {
      const { graph } = await anonymous.saveGraph({ document: documentNamed("mine") });
      const other = await anonymous.saveGraph({ document: documentNamed("other") });
      const graphId = graph?.graphId;
      for (const token of [`cwg_${"A".repeat(43)}`, other.graphToken]) {
        expect(await codeOf(anonymous.getGraph({ graphId }, withToken(token)))).toBe(Code.NotFound);
        expect(await codeOf(anonymous.saveGraph({ graphId, expectedRevision: 1, document: documentNamed("defaced") }, withToken(token)))).toBe(Code.NotFound);
        expect(await codeOf(anonymous.deleteGraph({ graphId }, withToken(token)))).toBe(Code.NotFound);
      }
      expect(await codeOf(anonymous.getGraph({ graphId: UNKNOWN_ID }, withToken(other.graphToken)))).toBe(Code.NotFound);
      expect(await nameOf(graphId as string)).toEqual({ name: "mine", revision: 1 });
    });

    it("refuses a token that is not a graph token with UNAUTHENTICATED", async () => {
      const { graph } = await anonymous.saveGraph({ document: documentNamed("mine") });
      expect(await codeOf(anonymous.getGraph({ graphId: graph?.graphId }, withToken("cwk_not-a-graph-token")))).toBe(Code.Unauthenticated);
      expect(await codeOf(anonymous.listGraphs({}, withToken("garbage")))).toBe(Code.Unauthenticated);
    });

    it("is NOT_FOUND to a signed-in user without its token", async () => {
      const alice = await signedIn("alice");
      const { graph } = await anonymous.saveGraph({ document: documentNamed("anonymous") });
      expect(await codeOf(alice.graphs.getGraph({ graphId: graph?.graphId }))).toBe(Code.NotFound);
      expect(await codeOf(alice.graphs.deleteGraph({ graphId: graph?.graphId }))).toBe(Code.NotFound);
      expect(await nameOf(graph?.graphId as string)).toEqual({ name: "anonymous", revision: 1 });
    });

    it("is not adopted when its token holder is signed in: it stays ownerless and out of the user's list", async () => {
      const alice = await signedIn("alice");
      const { graph, graphToken } = await anonymous.saveGraph({ document: documentNamed("anonymous") });
      await alice.graphs.saveGraph({ graphId: graph?.graphId, expectedRevision: 1, document: documentNamed("anonymous 2") }, withToken(graphToken));
      expect(await t.ctx.db.prisma.graph.findUnique({ where: { id: graph?.graphId } })).toMatchObject({ ownerId: null, revision: 2 });
      expect((await alice.graphs.listGraphs({})).graphs).toEqual([]);
    });
  });

  it("never stores a graph with both an owner and a token", async () => {
    const alice = await signedIn("alice");
    const { graph } = await alice.graphs.saveGraph({ document: documentNamed("alice's") });
    await expect(t.ctx.db.prisma.graph.update({ where: { id: graph?.graphId }, data: { tokenHash: "0".repeat(64) } })).rejects.toThrow(/graphs_owner_or_token/);
  });

  it("lists nothing to an anonymous caller without tokens", async () => {
    await anonymous.saveGraph({ document: documentNamed("anonymous") });
    expect((await anonymous.listGraphs({})).graphs).toEqual([]);
  });

  it("refuses every call whose credential does not verify with UNAUTHENTICATED, creating nothing", async () => {
    const forged = clientWith("not-a-real-access-token");
    const before = await t.ctx.db.prisma.graph.count();
    expect(await codeOf(forged.saveGraph({ document: documentNamed("forged") }))).toBe(Code.Unauthenticated);
    expect(await codeOf(forged.getGraph({ graphId: UNKNOWN_ID }))).toBe(Code.Unauthenticated);
    expect(await codeOf(forged.listGraphs({}))).toBe(Code.Unauthenticated);
    expect(await codeOf(forged.deleteGraph({ graphId: UNKNOWN_ID }))).toBe(Code.Unauthenticated);
    expect(await t.ctx.db.prisma.graph.count()).toBe(before);
  });
});
