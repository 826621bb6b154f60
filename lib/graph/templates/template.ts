import type { Hyperparameters } from "../../job/hyperparameters";
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphEdge, type GraphNode, type ModelGraph } from "../types";

export interface ModelTemplate {
  id: string;
  name: string;
  description: string;
  /** Registered dataset the template is drawn for. */
  dataset: string;
  graph: ModelGraph;
  hyperparameters: Pick<Hyperparameters, "epochs" | "batchSize" | "learningRate" | "optimizer">;
}

/** A straight chain of layers: the common case for templates. Node ids are given; edges follow the order. */
export function chain(name: string, nodes: GraphNode[]): ModelGraph {
  const edges: GraphEdge[] = nodes.slice(1).map((node, i) => ({ source: (nodes[i] as GraphNode).id, target: node.id }));
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name, nodes, edges };
}

/** A graph with explicit edges, for templates that branch and merge. Edges are [from, to] or [from, to, input handle]. */
export function dag(name: string, nodes: GraphNode[], edges: ([string, string] | [string, string, string])[]): ModelGraph {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name,
    nodes,
    edges: edges.map(([source, target, targetHandle]) => (targetHandle ? { source, target, targetHandle } : { source, target })),
  };
}

/** A template node: id, type and the parameters that differ from the defaults. */
export const node = (id: string, type: string, params: Record<string, unknown> = {}): GraphNode => ({ id, type, params });
