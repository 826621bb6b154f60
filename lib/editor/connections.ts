import type { GraphAnalysis } from "../graph/analyze";
import { ATTACHMENT_KINDS, attachmentsOf, ShapeError, withArticle, type AttachmentKind } from "../graph/layer";
import { getLayer, getNodeDefinition } from "../graph/registry";
import { reachable, topology } from "../graph/topology";
import { formatShape } from "../graph/types";
import type { EditorDocument } from "./document";

export type ConnectionVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether a drag from source to target's input handle may become an edge: not onto itself, not
 * closing a cycle, not into an Input, and — when both ends' shapes are known — a tensor the target
 * can take. Refusals say why, for the editor to show.
 */
export function checkConnection(doc: EditorDocument, analysis: GraphAnalysis, source: string, target: string, targetHandle = "in0"): ConnectionVerdict {
  if (source === target) return { ok: false, reason: "a layer cannot feed itself" };
  const targetNode = doc.nodes.find((n) => n.id === target);
  const sourceNode = doc.nodes.find((n) => n.id === source);
  if (!targetNode || !sourceNode) return { ok: false, reason: "unknown node" };
  const sourceDefinition = getNodeDefinition(sourceNode.type);
  if ((ATTACHMENT_KINDS as readonly string[]).includes(targetHandle)) {
    if (sourceDefinition?.kind !== "component") return { ok: false, reason: `only ${withArticle(targetHandle)} node plugs into ${withArticle(targetHandle)} input` };
    if (sourceDefinition.provides !== targetHandle) return { ok: false, reason: `${sourceNode.type} is ${withArticle(sourceDefinition.provides)}, not ${withArticle(targetHandle)}` };
    return { ok: true };
  }
  if (sourceDefinition?.kind === "component") return { ok: false, reason: `${sourceNode.type} carries no tensors: connect it to ${withArticle(sourceDefinition.provides)} input` };
  const layer = getLayer(targetNode.type);
  if (!layer || layer.inputs.max === 0) return { ok: false, reason: `${targetNode.type} takes no inputs` };
  if (getLayer(sourceNode.type)?.category === "output") return { ok: false, reason: "an Output is the end of the model: nothing follows it" };
  const { outgoing } = topology(doc.nodes, doc.edges);
  if (reachable([target], outgoing, true).has(source)) return { ok: false, reason: `connecting would make a cycle: ${target} already leads to ${source}` };

  const sourceShape = analysis.nodes.find((n) => n.node.id === source)?.outputShape;
  const targetEntry = analysis.nodes.find((n) => n.node.id === target);
  if (!sourceShape || !targetEntry || layer.inputs.max !== 1) return { ok: true };
  try {
    layer.inferShape([sourceShape], targetEntry.params as never);
    return { ok: true };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, reason: `${targetNode.type} cannot take ${formatShape(sourceShape)}: ${error.message}` };
    throw error;
  }
}

/** The configuration handles a node shows (an Output's optimizer, a weight layer's regularizer, an optimizer's schedule). */
export function attachmentHandles(type: string): AttachmentKind[] {
  const definition = getNodeDefinition(type);
  if (!definition) return [];
  return definition.kind === "layer" ? attachmentsOf(definition) : [...(definition.accepts ?? [])];
}

/** The input handles a node shows: one per connected input plus a free one, up to its maximum. */
export function inputHandles(doc: Pick<EditorDocument, "edges">, nodeId: string, type: string): string[] {
  const layer = getLayer(type);
  if (!layer || layer.inputs.max === 0) return [];
  if (layer.inputs.max === 1) return ["in0"];
  const used = doc.edges.filter((e) => e.target === nodeId && /^in\d+$/.test(e.targetHandle)).map((e) => Number(e.targetHandle.slice(2)));
  const count = Math.min(layer.inputs.max, Math.max(layer.inputs.min, (used.length ? Math.max(...used) + 1 : 0) + 1));
  return Array.from({ length: count }, (_, i) => `in${i}`);
}
