import dagre from "@dagrejs/dagre";
import type { EditorDocument, Position } from "./document";

export const NODE_SIZE = { width: 210, height: 86 };

/** Layered top-to-bottom layout of the whole graph (dagre), as positions by node id. */
export function autoLayout(doc: EditorDocument): Record<string, Position> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 40, ranksep: 50, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of doc.nodes) g.setNode(node.id, { ...NODE_SIZE });
  for (const edge of doc.edges) g.setEdge(edge.source, edge.target);
  dagre.layout(g);
  return Object.fromEntries(
    doc.nodes.map((n) => {
      const placed = g.node(n.id) as { x: number; y: number };
      return [n.id, { x: Math.round(placed.x - NODE_SIZE.width / 2), y: Math.round(placed.y - NODE_SIZE.height / 2) }];
    }),
  );
}
