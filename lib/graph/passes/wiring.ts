import { nodeIssue } from "../issues";
import { getNodeDefinition } from "../registry";
import { reachable, topology, type Topology } from "../topology";
import type { GraphIssue, GraphNode, ModelGraph } from "../types";
import { isAttachment } from "./attachments";
import type { Structure } from "./structure";

export interface Wiring {
  /** The layers' tensor edges in topological order. */
  topology: Topology;
  inputIds: string[];
  outputId?: string;
  issues: GraphIssue[];
}

/** How the layers connect through tensors: cycles, Input and Output presence, each layer's arity, connectivity. */
export function checkWiring(graph: ModelGraph, { byId, layerDefinitions }: Structure): Wiring {
  const issues: GraphIssue[] = [];
  // A node of unknown type counts as a layer, so that its neighbours are not reported as short of inputs or disconnected.
  const isLayer = (id: string) => layerDefinitions.has(id) || !getNodeDefinition(byId.get(id)?.type ?? "");
  const tensorEdges = graph.edges.filter((e) => !isAttachment(e) && byId.has(e.source) && byId.has(e.target) && isLayer(e.source) && isLayer(e.target));
  const layerNodes = [...byId.values()].filter((n) => isLayer(n.id));
  const topo = topology(layerNodes, tensorEdges);
  for (const id of topo.cyclic) issues.push(nodeIssue(byId.get(id) as GraphNode, "cycle", "is part of a cycle (a layer cannot feed itself)"));

  const inputIds = layerNodes.filter((n) => layerDefinitions.get(n.id)?.category === "input").map((n) => n.id);
  const outputs = layerNodes.filter((n) => layerDefinitions.get(n.id)?.category === "output");
  if (inputIds.length === 0) issues.push({ code: "no_input", message: "the graph has no Input node" });
  if (outputs.length === 0) issues.push({ code: "no_output", message: "the graph has no Output node (it names the loss to train)" });
  for (const extra of outputs.slice(1)) issues.push(nodeIssue(extra, "no_output", "only one Output node is supported; remove the others"));
  const output = outputs[0];
  for (const o of outputs) {
    if ((topo.outgoing.get(o.id) ?? []).length > 0) issues.push(nodeIssue(o, "arity", "an Output node must be last: nothing may follow it"));
  }

  for (const node of layerNodes) {
    const definition = layerDefinitions.get(node.id);
    if (!definition) continue;
    const count = topo.incoming.get(node.id)?.length ?? 0;
    const { min, max } = definition.inputs;
    if (count < min || count > max) {
      const expected = min === max ? `${min}` : `${min} to ${max}`;
      issues.push(nodeIssue(node, "arity", `takes ${expected} input${max === 1 ? "" : "s"}, has ${count}`));
    }
  }

  if (output && inputIds.length > 0) {
    const fromInputs = reachable(inputIds, topo.outgoing, true);
    const toOutput = reachable([output.id], topo.incoming, false);
    for (const node of layerNodes) {
      if (fromInputs.has(node.id) && toOutput.has(node.id)) continue;
      const why = !fromInputs.has(node.id) ? "no Input reaches it" : "it does not lead to the Output";
      issues.push(nodeIssue(node, "disconnected", `is not connected: ${why}`));
    }
  }
  return { topology: topo, inputIds, outputId: output?.id, issues };
}
