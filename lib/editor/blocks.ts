import { z } from "zod";
import { copyFragment, pasteFragment, type Fragment } from "./commands";
import type { EditorDocument, Position } from "./document";

/** A reusable block: a group saved with its nodes and inner edges, placed anew wherever it is dropped. */
export interface Block {
  name: string;
  fragment: Fragment;
}

/** The block a group becomes when saved: its members moved to the origin, collapsed so it drops in as one piece. */
export function blockFromGroup(doc: EditorDocument, groupId: string): Block {
  const group = doc.groups.find((g) => g.id === groupId);
  if (!group) throw new Error(`no group ${groupId}`);
  const fragment = copyFragment(doc, group.nodeIds);
  const minX = Math.min(...fragment.nodes.map((n) => n.position.x));
  const minY = Math.min(...fragment.nodes.map((n) => n.position.y));
  return {
    name: group.label,
    fragment: {
      ...fragment,
      nodes: fragment.nodes.map((n) => ({ ...n, position: { x: n.position.x - minX, y: n.position.y - minY } })),
      groups: [{ ...group, collapsed: true }],
    },
  };
}

/** Places a block with fresh node ids, its top-left corner at position; returns the new group's id. */
export function insertBlock(doc: EditorDocument, block: Block, position: Position): { doc: EditorDocument; groupId: string } {
  const before = new Set(doc.groups.map((g) => g.id));
  const { doc: next } = pasteFragment(doc, block.fragment, position);
  const added = next.groups.find((g) => !before.has(g.id));
  if (!added) throw new Error(`block "${block.name}" has no nodes this Engine knows`);
  return { doc: next, groupId: added.id };
}

const blockSchema = z.object({
  name: z.string().min(1).max(200),
  fragment: z.object({
    format: z.literal("cyxwiz.fragment"),
    nodes: z
      .array(z.object({ id: z.string(), type: z.string(), params: z.record(z.string(), z.unknown()), position: z.object({ x: z.number(), y: z.number() }), label: z.string().optional() }))
      .min(1),
    edges: z.array(z.object({ id: z.string(), source: z.string(), target: z.string(), targetHandle: z.string() })),
    groups: z.array(z.object({ id: z.string(), label: z.string(), nodeIds: z.array(z.string()), collapsed: z.boolean() })).length(1),
  }),
});

/** Reads a stored block library; entries that are damaged are dropped rather than breaking the palette. */
export function parseBlocks(text: string | null): Block[] {
  if (!text) return [];
  try {
    const list = JSON.parse(text) as unknown;
    if (!Array.isArray(list)) return [];
    return list.flatMap((entry) => {
      const parsed = blockSchema.safeParse(entry);
      return parsed.success ? [parsed.data as Block] : [];
    });
  } catch {
    return [];
  }
}
