import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphService } from "../../gen/cyxwiz/v1/graph_service_pb";
import { fromExecutionGraph, serializeDocument } from "../../lib/editor/document";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { codeOf } from "../../tests/helpers/rpc-errors";
import { inProcessTransport } from "../../tests/helpers/clients";
import { createUser } from "../../tests/helpers/fixtures";

const documentNamed = (name: string) => serializeDocument({ ...fromExecutionGraph(mlpDigits.graph), name });

describe.each(DATABASE_KINDS)("GraphService on %s", (kind) => {
  let t: TestContext;
  let client: Client<typeof GraphService>;
  beforeAll(async () => {
    t = await createTestContext(kind);
    const { token } = await t.ctx.tokens.issueAccessToken((await createUser(t.ctx, "modeller")).id);
    client = createClient(
      GraphService,
      inProcessTransport(t.ctx, () => token),
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it("creates a graph from an editor document and summarises it", async () => {
    const { graph } = await client.saveGraph({ document: documentNamed("digits MLP") });
    expect(graph).toMatchObject({ name: "digits MLP", revision: 1, nodeCount: mlpDigits.graph.nodes.length, valid: true });
    expect(graph?.totalParams).toBe(BigInt(784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10));
    const fetched = await client.getGraph({ graphId: graph?.graphId });
    expect(JSON.parse(fetched.document)).toMatchObject({ format: "cyxwiz.editor", name: "digits MLP" });
  });

  it("saves a new revision and keeps the earlier one readable", async () => {
    const { graph } = await client.saveGraph({ document: documentNamed("first") });
    const second = await client.saveGraph({ graphId: graph?.graphId, expectedRevision: 1, document: documentNamed("second") });
    expect(second.graph).toMatchObject({ name: "second", revision: 2 });
    expect(JSON.parse((await client.getGraph({ graphId: graph?.graphId })).document).name).toBe("second");
    const old = await client.getGraph({ graphId: graph?.graphId, revision: 1 });
    expect({ name: JSON.parse(old.document).name, revision: old.revision }).toEqual({ name: "first", revision: 1 });
  });

  it("refuses a save that started from an older revision with ABORTED, keeping the newer work", async () => {
    const { graph } = await client.saveGraph({ document: documentNamed("v1") });
    await client.saveGraph({ graphId: graph?.graphId, expectedRevision: 1, document: documentNamed("v2 from tab A") });
    expect(await codeOf(client.saveGraph({ graphId: graph?.graphId, expectedRevision: 1, document: documentNamed("v2 from tab B") }))).toBe(Code.Aborted);
    expect(JSON.parse((await client.getGraph({ graphId: graph?.graphId })).document).name).toBe("v2 from tab A");
  });

  it("lets exactly one of two simultaneous saves from the same revision win", async () => {
    const { graph } = await client.saveGraph({ document: documentNamed("base") });
    const results = await Promise.all(["left", "right"].map((name) => codeOf(client.saveGraph({ graphId: graph?.graphId, expectedRevision: 1, document: documentNamed(name) }))));
    expect(results.sort()).toEqual([Code.Aborted, undefined].sort());
    expect((await client.getGraph({ graphId: graph?.graphId })).graph?.revision).toBe(2);
  });

  it("refuses a damaged document with INVALID_ARGUMENT on the document field, storing nothing", async () => {
    const before = (await client.listGraphs({ pageSize: 200 })).graphs.length;
    const error = await client.saveGraph({ document: '{"format":"cyxwiz.editor","version":1,"name":"x","nodes":[{"id":"a"}],"edges":[]}' }).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/^document: .*nodes\.0/) });
    expect((await client.listGraphs({ pageSize: 200 })).graphs).toHaveLength(before);
  });

  it("keeps work in progress: an invalid graph is saved and marked as not valid", async () => {
    const doc = fromExecutionGraph(mlpDigits.graph);
    const { graph } = await client.saveGraph({ document: serializeDocument({ ...doc, name: "half done", edges: doc.edges.slice(1) }) });
    expect(graph).toMatchObject({ name: "half done", valid: false });
  });

  it("lists the most recently saved first, a page at a time", async () => {
    const { graph: older } = await client.saveGraph({ document: documentNamed("older") });
    const { graph: newer } = await client.saveGraph({ document: documentNamed("newer") });
    const first = await client.listGraphs({ pageSize: 1 });
    expect(first.graphs.map((g) => g.graphId)).toEqual([newer?.graphId]);
    const second = await client.listGraphs({ pageSize: 1, pageToken: first.nextPageToken });
    expect(second.graphs.map((g) => g.graphId)).toEqual([older?.graphId]);
  });

  it("deletes a graph with its revisions", async () => {
    const { graph } = await client.saveGraph({ document: documentNamed("doomed") });
    await client.saveGraph({ graphId: graph?.graphId, expectedRevision: 1, document: documentNamed("doomed 2") });
    await client.deleteGraph({ graphId: graph?.graphId });
    expect(await codeOf(client.getGraph({ graphId: graph?.graphId }))).toBe(Code.NotFound);
    expect(await t.ctx.db.prisma.graphRevision.count({ where: { graphId: graph?.graphId } })).toBe(0);
    expect(await codeOf(client.deleteGraph({ graphId: graph?.graphId }))).toBe(Code.NotFound);
  });

  it.each([
    ["a malformed id", { graphId: "nope", expectedRevision: 1 }, Code.InvalidArgument],
    ["an update without the revision it started from", { graphId: "7f0b2c1e-0000-4000-8000-000000000001" }, Code.InvalidArgument],
    ["an unknown graph", { graphId: "7f0b2c1e-0000-4000-8000-000000000001", expectedRevision: 1 }, Code.NotFound],
  ])("answers a save of %s with the right code", async (_what, request, code) => {
    expect(await codeOf(client.saveGraph({ ...request, document: documentNamed("x") }))).toBe(code);
  });
});
