import { getNodeDefinition } from "../graph/registry";
import { edgeId, type EditorDocument, type EditorEdge, type EditorGroup, type EditorNode, type Position } from "./document";
import { pruneGroups } from "./groups";
import { newNodeId } from "./ids";

/**
 * Every change the editor makes, as a pure function from document to document. The store keeps
 * history and selection; these only transform data, so they are tested without a browser.
 */

export function addNode(doc: EditorDocument, type: string, position: Position): { doc: EditorDocument; id: string } {
  const layer = getNodeDefinition(type);
  if (!layer) throw new Error(`unknown node type ${type}`);
  const id = newNodeId(
    type,
    doc.nodes.map((n) => n.id),
  );
  const params = layer.params.safeParse({});
  const node: EditorNode = { id, type, params: params.success ? (params.data as Record<string, unknown>) : {}, position };
  return { doc: { ...doc, nodes: [...doc.nodes, node] }, id };
}

export function moveNodes(doc: EditorDocument, positions: Record<string, Position>): EditorDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] as Position } : n)) };
}

export function connect(doc: EditorDocument, source: string, target: string, targetHandle: string): EditorDocument {
  // One edge per input handle: a new connection replaces the old one.
  const edges = doc.edges.filter((e) => !(e.target === target && e.targetHandle === targetHandle));
  const edge: EditorEdge = { source, target, targetHandle, id: edgeId({ source, target, targetHandle }) };
  return { ...doc, edges: [...edges, edge] };
}

export function removeEdges(doc: EditorDocument, ids: Iterable<string>): EditorDocument {
  const gone = new Set(ids);
  return { ...doc, edges: doc.edges.filter((e) => !gone.has(e.id)) };
}

/** Deletes nodes and every edge touching them. */
export function removeNodes(doc: EditorDocument, ids: Iterable<string>): EditorDocument {
  const gone = new Set(ids);
  return pruneGroups({
    ...doc,
    nodes: doc.nodes.filter((n) => !gone.has(n.id)),
    edges: doc.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
  });
}

export function setParams(doc: EditorDocument, id: string, params: Record<string, unknown>): EditorDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params } : n)) };
}

export function setLabel(doc: EditorDocument, id: string, label: string): EditorDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, label: label.trim() || undefined } : n)) };
}

export function rename(doc: EditorDocument, name: string): EditorDocument {
  return { ...doc, name: name.trim() || "Untitled model" };
}

/** A piece of a document that can travel through the clipboard: nodes, the edges among them, and groups wholly inside it. */
export interface Fragment {
  format: "cyxwiz.fragment";
  nodes: EditorNode[];
  edges: EditorEdge[];
  groups?: EditorGroup[];
}

export function copyFragment(doc: EditorDocument, nodeIds: Iterable<string>): Fragment {
  const ids = new Set(nodeIds);
  return {
    format: "cyxwiz.fragment",
    nodes: doc.nodes.filter((n) => ids.has(n.id)),
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
    groups: doc.groups.filter((g) => g.nodeIds.every((id) => ids.has(id))),
  };
}

/** Inserts a fragment with fresh ids, shifted by offset; returns the new nodes' ids (to select them). */
export function pasteFragment(doc: EditorDocument, fragment: Fragment, offset: Position): { doc: EditorDocument; ids: string[] } {
  const taken = doc.nodes.map((n) => n.id);
  const renamed = new Map<string, string>();
  const nodes = fragment.nodes
    .filter((n) => getNodeDefinition(n.type))
    .map((n) => {
      const id = newNodeId(n.type, [...taken, ...renamed.values()]);
      renamed.set(n.id, id);
      return { ...n, id, params: structuredClone(n.params), position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
    });
  const edges = fragment.edges
    .filter((e) => renamed.has(e.source) && renamed.has(e.target))
    .map((e) => {
      const moved = { source: renamed.get(e.source) as string, target: renamed.get(e.target) as string, targetHandle: e.targetHandle };
      return { ...moved, id: edgeId(moved) };
    });
  const groupIds = [...doc.groups.map((g) => g.id), ...taken, ...renamed.values()];
  const groups = (fragment.groups ?? [])
    .map((g) => ({ ...g, nodeIds: g.nodeIds.filter((id) => renamed.has(id)).map((id) => renamed.get(id) as string) }))
    .filter((g) => g.nodeIds.length > 0)
    .map((g) => {
      const id = newNodeId("group", groupIds);
      groupIds.push(id);
      return { ...g, id };
    });
  return {
    doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges], groups: [...doc.groups, ...groups] },
    ids: nodes.map((n) => n.id),
  };
}

/** Reads a fragment from clipboard text (another tab's copy); undefined for anything else. */
export function parseFragment(text: string): Fragment | undefined {
  try {
    const value = JSON.parse(text) as Partial<Fragment>;
    if (value.format !== "cyxwiz.fragment" || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) return undefined;
    const wellFormed = value.nodes.every((n) => typeof n?.id === "string" && typeof n.type === "string" && typeof n.position?.x === "number" && typeof n.params === "object");
    return wellFormed ? (value as Fragment) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Points the model at a dataset: the Dataset node takes the name (and a Split node the fractions,
 * when given); a model without a Dataset node gets one, plugged into its Input's data input.
 */
export function pointAtDataset(doc: EditorDocument, name: string, split?: { validation: number; test: number }): EditorDocument {
  let next = doc;
  const existing = next.nodes.find((n) => n.type === "Dataset");
  if (existing) {
    next = setParams(next, existing.id, { ...existing.params, name });
  } else {
    const input = next.nodes.find((n) => n.type === "Input");
    const at = input ? { x: input.position.x - 260, y: input.position.y } : { x: 0, y: 0 };
    const added = addNode(next, "Dataset", at);
    next = setParams(added.doc, added.id, { name });
    if (input && !next.edges.some((e) => e.target === input.id && e.targetHandle === "data")) next = connect(next, added.id, input.id, "data");
  }
  const splitNode = next.nodes.find((n) => n.type === "Split");
  if (split && splitNode) next = setParams(next, splitNode.id, { ...splitNode.params, ...split });
  return next;
}
