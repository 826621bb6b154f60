import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  DeleteGraphResponseSchema,
  GetGraphResponseSchema,
  type GraphService,
  GraphSummarySchema,
  ListGraphsResponseSchema,
  SaveGraphResponseSchema,
  type GraphSummary,
} from "../../gen/cyxwiz/v1/graph_service_pb";
import { newCapability } from "../auth/capability";
import { accessOf, callerOf, requiredAccessOf } from "../auth/credentials";
import type { ServerContext } from "../context";
import type { GraphRow } from "../graphs/graph-store";
import { readSavedDocument } from "../graphs/saved-document";
import { invalidArgument, notFound, requireUuid } from "./errors";

const MAX_PAGE = 200;

// One answer for a graph that does not exist and one that is someone else's: telling them apart would confirm the id.
const unreachable = (id: string) => notFound(`graph ${id} does not exist, or is not yours`);

export function graphService(ctx: Pick<ServerContext, "graphs">): ServiceImpl<typeof GraphService> {
  const { graphs } = ctx;
  return {
    async saveGraph(req, hctx) {
      const read = readSavedDocument(req.document);
      if (!read.ok) throw invalidArgument("document", read.message);
      if (!req.graphId) {
        const caller = await callerOf(hctx);
        if (caller) return create(SaveGraphResponseSchema, { graph: summary(await graphs.create(read.saved, { userId: caller.user.id })) });
        // Saved anonymously: the token is the only way back to it, so it is answered this once.
        const { token, hash } = newCapability("graph");
        return create(SaveGraphResponseSchema, { graph: summary(await graphs.create(read.saved, { tokenHash: hash })), graphToken: token });
      }
      const id = requireUuid(req.graphId, "graph_id");
      if (req.expectedRevision === 0) throw invalidArgument("expected_revision", "required when saving an existing graph: the revision the edit started from");
      const outcome = await graphs.update(id, await requiredAccessOf(hctx, "graph"), req.expectedRevision, read.saved);
      if (outcome.ok) return create(SaveGraphResponseSchema, { graph: summary(outcome.graph) });
      if (outcome.reason === "not_found") throw unreachable(id);
      throw new ConnectError(`graph ${id} was saved elsewhere since revision ${req.expectedRevision} (now at ${outcome.current}); open it again, or save as a new graph`, Code.Aborted);
    },

    async getGraph(req, hctx) {
      const id = requireUuid(req.graphId, "graph_id");
      const access = await requiredAccessOf(hctx, "graph");
      const graph = await graphs.get(id, access);
      if (!graph) throw unreachable(id);
      const revision = req.revision || graph.revision;
      const document = revision === graph.revision ? graph.document : await graphs.revision(id, access, revision);
      if (document === undefined) throw notFound(`graph ${id} has no revision ${revision} (latest is ${graph.revision})`);
      return create(GetGraphResponseSchema, { graph: summary(graph), document: JSON.stringify(document), revision });
    },

    // Without credentials the caller owns nothing: an empty list says so without refusing a fresh browser.
    async listGraphs(req, hctx) {
      const limit = Math.min(req.pageSize || 50, MAX_PAGE);
      const after = req.pageToken ? requireUuid(req.pageToken, "page_token") : undefined;
      const page = await graphs.list(await accessOf(hctx, "graph"), { limit, after });
      return create(ListGraphsResponseSchema, { graphs: page.rows.map(summary), nextPageToken: page.next ?? "" });
    },

    async deleteGraph(req, hctx) {
      const id = requireUuid(req.graphId, "graph_id");
      if (!(await graphs.delete(id, await requiredAccessOf(hctx, "graph")))) throw unreachable(id);
      return create(DeleteGraphResponseSchema, {});
    },
  };
}

function summary(row: GraphRow): GraphSummary {
  return create(GraphSummarySchema, {
    graphId: row.id,
    name: row.name,
    revision: row.revision,
    nodeCount: row.nodeCount,
    totalParams: row.totalParams,
    valid: row.valid,
    createdAt: timestampFromDate(row.createdAt),
    updatedAt: timestampFromDate(row.updatedAt),
  });
}
