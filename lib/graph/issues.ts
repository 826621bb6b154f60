import type { GraphIssue, GraphNode } from "./types";

/** An issue about one node, its message led by the node's id and type so that it reads on its own (a CLI line, a server error). */
export function nodeIssue(node: GraphNode, code: GraphIssue["code"], reason: string, field?: string): GraphIssue {
  return { code, nodeId: node.id, field, message: `node "${node.id}" (${node.type}): ${reason}` };
}
