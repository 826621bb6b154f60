import type { ComponentDefinition } from "../component";
import { nodeIssue } from "../issues";
import type { LayerDefinition } from "../layer";
import { getNodeDefinition } from "../registry";
import type { GraphIssue, GraphNode, ModelGraph } from "../types";

export interface AnalyzedComponent {
  node: GraphNode;
  definition: ComponentDefinition;
  params: Record<string, unknown>;
}

export interface Structure {
  /** Each node by id; of two nodes with one id, the first. */
  byId: Map<string, GraphNode>;
  /**
   * Every node of a layer type, valid parameters or not: such layers still take part in the
   * topology, so that their neighbours' problems stay accurate.
   */
  layerDefinitions: Map<string, LayerDefinition>;
  /** The layers whose parameters are valid, with defaults filled in. */
  layers: Map<string, { layer: LayerDefinition; params: Record<string, unknown> }>;
  /** The configuration nodes whose parameters are valid. */
  components: Map<string, AnalyzedComponent>;
  issues: GraphIssue[];
}

/** The first pass: duplicate ids, unknown types, parameters, edges to nodes that do not exist. */
export function checkStructure(graph: ModelGraph): Structure {
  const issues: GraphIssue[] = [];
  const byId = new Map<string, GraphNode>();
  for (const node of graph.nodes) {
    if (byId.has(node.id)) issues.push(nodeIssue(node, "duplicate_node", "another node has the same id"));
    else byId.set(node.id, node);
  }

  const layerDefinitions = new Map<string, LayerDefinition>();
  const layers: Structure["layers"] = new Map();
  const components = new Map<string, AnalyzedComponent>();
  for (const node of byId.values()) {
    const definition = getNodeDefinition(node.type);
    if (!definition) {
      issues.push(nodeIssue(node, "unknown_layer", `unknown layer type "${node.type}"`, "type"));
      continue;
    }
    if (definition.kind === "layer") layerDefinitions.set(node.id, definition);
    const result = definition.params.safeParse(node.params ?? {});
    if (!result.success) {
      for (const problem of result.error.issues) {
        const field = ["params", ...problem.path].join(".");
        const name = problem.path.length > 0 ? `parameter "${problem.path.join(".")}"` : "parameters";
        issues.push(nodeIssue(node, "invalid_param", `${name}: ${problem.message}`, field));
      }
      continue;
    }
    const params = result.data as Record<string, unknown>;
    if (definition.kind === "layer") layers.set(node.id, { layer: definition, params });
    else components.set(node.id, { node, definition, params });
  }

  graph.edges.forEach((edge, index) => {
    for (const end of ["source", "target"] as const) {
      if (!byId.has(edge[end])) {
        issues.push({
          code: "unknown_edge_endpoint",
          field: `edges.${index}.${end}`,
          message: `edge ${index} (${edge.source} → ${edge.target}): ${end} "${edge[end]}" is not a node of the graph`,
        });
      }
    }
  });
  return { byId, layerDefinitions, layers, components, issues };
}
