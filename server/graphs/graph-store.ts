import type { Access } from "../auth/capability";
import type { Prisma } from "../db/database";
import type { Graph, Prisma as Schema } from "../db/generated/client";
import type { SavedDocument } from "./saved-document";

export type GraphRow = Graph;

export type SaveOutcome = { ok: true; graph: GraphRow } | { ok: false; reason: "not_found" } | { ok: false; reason: "conflict"; current: number };

/** Who a new graph belongs to: a user, or (saved anonymously) whoever holds the token of this hash. */
export type GraphOwner = { userId: string } | { tokenHash: string };

/**
 * Saved graphs and their revisions. Every save is one transaction: the graph's new state and its
 * revision row. Every read and write of a graph names the access it is made with, and matches it
 * in its own WHERE: a graph out of reach is the same as one that does not exist.
 */
export class GraphStore {
  constructor(private readonly prisma: Prisma) {}

  async create(saved: SavedDocument, owner: GraphOwner): Promise<GraphRow> {
    return this.prisma.$transaction(async (tx) => {
      const graph = await tx.graph.create({ data: { ...columns(saved), revision: 1, ...("userId" in owner ? { ownerId: owner.userId } : { tokenHash: owner.tokenHash }) } });
      await tx.graphRevision.create({ data: { graphId: graph.id, revision: 1, document: graph.document as object } });
      return graph;
    });
  }

  /**
   * Saves a new revision if the graph is within reach and still at the revision the edit started
   * from; a save that lost the race changes nothing and learns the current revision.
   */
  async update(id: string, access: Access, expectedRevision: number, saved: SavedDocument): Promise<SaveOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.graph.updateMany({
        where: { id, revision: expectedRevision, ...within(access) },
        data: { ...columns(saved), revision: { increment: 1 }, updatedAt: new Date() },
      });
      if (count === 0) {
        const current = await tx.graph.findFirst({ where: { id, ...within(access) }, select: { revision: true } });
        return current ? { ok: false, reason: "conflict", current: current.revision } : { ok: false, reason: "not_found" };
      }
      // The update above checked the access and holds the row's lock until the transaction ends.
      const graph = (await tx.graph.findUnique({ where: { id } })) as GraphRow;
      await tx.graphRevision.create({ data: { graphId: id, revision: graph.revision, document: graph.document as object } });
      return { ok: true, graph };
    });
  }

  get(id: string, access: Access): Promise<GraphRow | null> {
    return this.prisma.graph.findFirst({ where: { id, ...within(access) } });
  }

  async revision(id: string, access: Access, revision: number): Promise<object | undefined> {
    const row = await this.prisma.graphRevision.findFirst({ where: { graphId: id, revision, graph: within(access) } });
    return row?.document as object | undefined;
  }

  async list(access: Access, options: { limit: number; after?: string }): Promise<{ rows: GraphRow[]; next?: string }> {
    const rows = await this.prisma.graph.findMany({
      where: within(access),
      orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
      take: options.limit + 1,
      ...(options.after ? { cursor: { id: options.after }, skip: 1 } : {}),
    });
    const page = rows.slice(0, options.limit);
    return { rows: page, next: rows.length > options.limit ? page[page.length - 1]?.id : undefined };
  }

  /** Removes a graph within reach, with its revisions; false if there was none. */
  async delete(id: string, access: Access): Promise<boolean> {
    const { count } = await this.prisma.graph.deleteMany({ where: { id, ...within(access) } });
    return count > 0;
  }
}

/**
 * The graphs an access reaches: the user's own, and the ownerless ones of its tokens. Built only
 * from what is there — a missing user id must never become a missing filter — and an access
 * with neither reaches nothing (an empty OR matches no row).
 */
function within(access: Access): Schema.GraphWhereInput {
  const ways: Schema.GraphWhereInput[] = [];
  if (access.userId) ways.push({ ownerId: access.userId });
  if (access.tokenHashes.length > 0) ways.push({ ownerId: null, tokenHash: { in: access.tokenHashes } });
  return { OR: ways };
}

function columns(saved: SavedDocument) {
  return {
    name: saved.name,
    document: saved.document as unknown as object,
    nodeCount: saved.nodeCount,
    totalParams: BigInt(saved.totalParams),
    valid: saved.valid,
  };
}
