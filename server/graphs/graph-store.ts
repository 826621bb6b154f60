import type { Prisma } from "../db/database";
import type { Graph } from "../db/generated/client";
import type { SavedDocument } from "./saved-document";

export type GraphRow = Graph;

export type SaveOutcome = { ok: true; graph: GraphRow } | { ok: false; reason: "not_found" } | { ok: false; reason: "conflict"; current: number };

/** Saved graphs and their revisions. Every save is one transaction: the graph's new state and its revision row. */
export class GraphStore {
  constructor(private readonly prisma: Prisma) {}

  async create(saved: SavedDocument): Promise<GraphRow> {
    return this.prisma.$transaction(async (tx) => {
      const graph = await tx.graph.create({ data: { ...columns(saved), revision: 1 } });
      await tx.graphRevision.create({ data: { graphId: graph.id, revision: 1, document: graph.document as object } });
      return graph;
    });
  }

  /**
   * Saves a new revision if the graph is still at the revision the edit started from; a save that
   * lost the race changes nothing and learns the current revision.
   */
  async update(id: string, expectedRevision: number, saved: SavedDocument): Promise<SaveOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.graph.updateMany({
        where: { id, revision: expectedRevision },
        data: { ...columns(saved), revision: { increment: 1 }, updatedAt: new Date() },
      });
      if (count === 0) {
        const current = await tx.graph.findUnique({ where: { id }, select: { revision: true } });
        return current ? { ok: false, reason: "conflict", current: current.revision } : { ok: false, reason: "not_found" };
      }
      const graph = (await tx.graph.findUnique({ where: { id } })) as GraphRow;
      await tx.graphRevision.create({ data: { graphId: id, revision: graph.revision, document: graph.document as object } });
      return { ok: true, graph };
    });
  }

  get(id: string): Promise<GraphRow | null> {
    return this.prisma.graph.findUnique({ where: { id } });
  }

  async revision(id: string, revision: number): Promise<object | undefined> {
    const row = await this.prisma.graphRevision.findUnique({ where: { graphId_revision: { graphId: id, revision } } });
    return row?.document as object | undefined;
  }

  async list(options: { limit: number; after?: string }): Promise<{ rows: GraphRow[]; next?: string }> {
    const rows = await this.prisma.graph.findMany({
      orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
      take: options.limit + 1,
      ...(options.after ? { cursor: { id: options.after }, skip: 1 } : {}),
    });
    const page = rows.slice(0, options.limit);
    return { rows: page, next: rows.length > options.limit ? page[page.length - 1]?.id : undefined };
  }

  /** Removes a graph with its revisions; false if there was none. */
  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.graph.deleteMany({ where: { id } });
    return count > 0;
  }
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
