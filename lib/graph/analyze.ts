import { ShapeError, type LayerDefinition } from "./layer";
import { getLayer } from "./registry";
import { reachable, topology } from "./topology";
import { formatShape, type GraphIssue, type GraphNode, type ModelGraph, type Shape } from "./types";

export interface AnalyzedNode {
  node: GraphNode;
  layer: LayerDefinition;
  /** Parameters with defaults filled in. */
  params: Record<string, unknown>;
  /** Ids of the nodes feeding this one, in input order. */
  inputIds: string[];
  inputShapes: Shape[];
  outputShape?: Shape;
  paramCount: number;
  /** Forward-pass floating-point operations for one sample. */
  flops: number;
}

export interface GraphAnalysis {
  ok: boolean;
  issues: GraphIssue[];
  /** Nodes in topological order (only those that could be analysed). */
  nodes: AnalyzedNode[];
  inputIds: string[];
  outputId?: string;
  totalParams: number;
  totalFlops: number;
}

/**
 * Validates a structurally parsed graph and infers every shape. Pure: the editor calls it on
 * every change, the server before storing a job, the worker before compiling.
 */
export function analyzeGraph(graph: ModelGraph): GraphAnalysis {
  const issues: GraphIssue[] = [];
  const nodeIssue = (node: GraphNode, code: GraphIssue["code"], reason: string, field?: string) =>
    issues.push({ code, nodeId: node.id, field, message: `${describe(node)}: ${reason}` });

  const byId = new Map<string, GraphNode>();
  for (const node of graph.nodes) {
    if (byId.has(node.id)) nodeIssue(node, "duplicate_node", "another node has the same id");
    else byId.set(node.id, node);
  }
  const nodes = [...byId.values()];

  const parsed = new Map<string, { layer: LayerDefinition; params: Record<string, unknown> }>();
  for (const node of nodes) {
    const layer = getLayer(node.type);
    if (!layer) {
      nodeIssue(node, "unknown_layer", `unknown layer type "${node.type}"`, "type");
      continue;
    }
    const result = layer.params.safeParse(node.params ?? {});
    if (!result.success) {
      for (const problem of result.error.issues) {
        const field = ["params", ...problem.path].join(".");
        const name = problem.path.length > 0 ? `parameter "${problem.path.join(".")}"` : "parameters";
        nodeIssue(node, "invalid_param", `${name}: ${problem.message}`, field);
      }
      continue;
    }
    parsed.set(node.id, { layer, params: result.data as Record<string, unknown> });
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

  const topo = topology(nodes, graph.edges);
  for (const id of topo.cyclic) nodeIssue(byId.get(id) as GraphNode, "cycle", "is part of a cycle (a layer cannot feed itself)");

  const inputIds = nodes.filter((n) => parsed.get(n.id)?.layer.category === "input").map((n) => n.id);
  const outputs = nodes.filter((n) => parsed.get(n.id)?.layer.category === "output");
  if (inputIds.length === 0) issues.push({ code: "no_input", message: "the graph has no Input node" });
  if (outputs.length === 0) issues.push({ code: "no_output", message: "the graph has no Output node (it names the loss to train)" });
  for (const extra of outputs.slice(1)) nodeIssue(extra, "no_output", "only one Output node is supported; remove the others");
  const output = outputs[0];
  for (const o of outputs) {
    if ((topo.outgoing.get(o.id) ?? []).length > 0) nodeIssue(o, "arity", "an Output node must be last: nothing may follow it");
  }

  for (const node of nodes) {
    const entry = parsed.get(node.id);
    if (!entry) continue;
    const count = topo.incoming.get(node.id)?.length ?? 0;
    const { min, max } = entry.layer.inputs;
    if (count < min || count > max) {
      const expected = min === max ? `${min}` : `${min} to ${max}`;
      nodeIssue(node, "arity", `takes ${expected} input${max === 1 ? "" : "s"}, has ${count}`);
    }
  }

  if (output && inputIds.length > 0) {
    const fromInputs = reachable(inputIds, topo.outgoing, true);
    const toOutput = reachable([output.id], topo.incoming, false);
    for (const node of nodes) {
      if (fromInputs.has(node.id) && toOutput.has(node.id)) continue;
      const why = !fromInputs.has(node.id) ? "no Input reaches it" : "it does not lead to the Output";
      nodeIssue(node, "disconnected", `is not connected: ${why}`);
    }
  }

  const shapes = new Map<string, Shape>();
  const analyzed: AnalyzedNode[] = [];
  let totalParams = 0;
  let totalFlops = 0;
  for (const id of topo.order) {
    const node = byId.get(id) as GraphNode;
    const entry = parsed.get(id);
    if (!entry) continue;
    const inputIdsOf = (topo.incoming.get(id) ?? []).map((e) => e.source);
    const inputShapes = inputIdsOf.map((src) => shapes.get(src));
    const item: AnalyzedNode = { node, layer: entry.layer, params: entry.params, inputIds: inputIdsOf, inputShapes: [], paramCount: 0, flops: 0 };
    analyzed.push(item);
    const { min, max } = entry.layer.inputs;
    if (inputShapes.some((s) => s === undefined) || inputShapes.length < min || inputShapes.length > max) continue;
    item.inputShapes = inputShapes as Shape[];
    try {
      item.outputShape = entry.layer.inferShape(item.inputShapes, entry.params);
      item.paramCount = entry.layer.paramCount(item.inputShapes, entry.params);
      item.flops = entry.layer.flops?.(item.inputShapes, entry.params, item.outputShape) ?? 0;
      shapes.set(id, item.outputShape);
      totalParams += item.paramCount;
      totalFlops += item.flops;
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      const seen = item.inputShapes.map(formatShape).join(", ");
      nodeIssue(node, "shape", `${error.message} (input shape ${seen})`);
    }
  }

  return { ok: issues.length === 0, issues, nodes: analyzed, inputIds, outputId: output?.id, totalParams, totalFlops };
}

function describe(node: GraphNode): string {
  return `node "${node.id}" (${node.type})`;
}
