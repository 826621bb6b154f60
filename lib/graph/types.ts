/**
 * The execution graph: what the Engine sends, the server validates and stores, and the
 * worker compiles. Editor-only state (positions, colours, viewport) never lives here.
 */
export const GRAPH_FORMAT = "cyxwiz.graph";
export const GRAPH_VERSION = 1;

export interface GraphNode {
  id: string;
  type: string;
  /** Display name; the id stays the stable reference. */
  label?: string;
  params: Record<string, unknown>;
}

export interface GraphEdge {
  source: string;
  target: string;
  /** Which input of the target this edge feeds, for layers where order matters. */
  targetHandle?: string;
}

export interface ModelGraph {
  format: typeof GRAPH_FORMAT;
  version: typeof GRAPH_VERSION;
  name?: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** A tensor shape without its batch dimension; null marks a size known only at run time. */
export type Shape = readonly (number | null)[];

/** One thing wrong with a graph. nodeId and field point at the culprit when there is one. */
export interface GraphIssue {
  code:
    | "malformed"
    | "unsupported_version"
    | "duplicate_node"
    | "unknown_layer"
    | "invalid_param"
    | "unknown_edge_endpoint"
    | "cycle"
    | "arity"
    | "shape"
    | "no_input"
    | "no_output"
    | "disconnected"
    | "dataset_mismatch";
  message: string;
  nodeId?: string;
  field?: string;
}

export function formatShape(shape: Shape): string {
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}
