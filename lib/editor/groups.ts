import { getNodeDefinition } from "../graph/registry";
import type { EditorDocument, EditorEdge, EditorGroup, Position } from "./document";
import { newNodeId } from "./ids";
import { NODE_SIZE } from "./layout";

/**
 * Groups: nodes drawn under one label that can collapse into a single block. Everything here is a
 * pure function of the document; the canvas draws what collapsedView returns.
 */

/** Puts nodes into a new group (taking them out of any group they were in); groups left empty go. */
export function groupNodes(doc: EditorDocument, nodeIds: Iterable<string>, label?: string): { doc: EditorDocument; id: string } {
  const known = new Set(doc.nodes.map((n) => n.id));
  const members = [...new Set(nodeIds)].filter((id) => known.has(id));
  if (members.length === 0) throw new Error("select at least one node to group");
  // Unique among nodes too: the canvas shows blocks and nodes side by side.
  const id = newNodeId("group", [...doc.groups.map((g) => g.id), ...known]);
  const taken = new Set(members);
  const others = doc.groups.map((g) => ({ ...g, nodeIds: g.nodeIds.filter((n) => !taken.has(n)) })).filter((g) => g.nodeIds.length > 0);
  const group: EditorGroup = { id, label: label?.trim() || `Block ${doc.groups.length + 1}`, nodeIds: members, collapsed: false };
  return { doc: { ...doc, groups: [...others, group] }, id };
}

/** Dissolves a group; its nodes stay where they are. */
export function ungroup(doc: EditorDocument, groupId: string): EditorDocument {
  return { ...doc, groups: doc.groups.filter((g) => g.id !== groupId) };
}

export function updateGroup(doc: EditorDocument, groupId: string, change: Partial<Pick<EditorGroup, "label" | "collapsed" | "color">>): EditorDocument {
  const label = change.label === undefined ? {} : { label: change.label.trim() || "Block" };
  return { ...doc, groups: doc.groups.map((g) => (g.id === groupId ? { ...g, ...change, ...label } : g)) };
}

/** Removes groups' references to nodes that no longer exist, and groups that end up empty. */
export function pruneGroups(doc: EditorDocument): EditorDocument {
  const known = new Set(doc.nodes.map((n) => n.id));
  if (doc.groups.every((g) => g.nodeIds.every((id) => known.has(id)))) return doc;
  const groups = doc.groups.map((g) => ({ ...g, nodeIds: g.nodeIds.filter((id) => known.has(id)) })).filter((g) => g.nodeIds.length > 0);
  return { ...doc, groups };
}

/** One connection point of a collapsed block: an input of a member fed from outside, or a member's output used outside. */
export interface Pin {
  /** in:<node>:<handle> or out:<node>, so that the canvas handle names the member it stands for. */
  id: string;
  node: string;
  handle: string;
  label: string;
}

export const inPin = (node: string, handle: string) => `in:${node}:${handle}`;
export const outPin = (node: string) => `out:${node}`;

/** Maps a pin id back to the member node and handle it stands for. */
export function resolvePin(pinId: string): { node: string; handle: string } | undefined {
  const input = /^in:(.+):([^:]+)$/.exec(pinId);
  if (input) return { node: input[1] as string, handle: input[2] as string };
  const output = /^out:(.+)$/.exec(pinId);
  return output ? { node: output[1] as string, handle: "out" } : undefined;
}

const isTensorHandle = (handle: string) => /^in\d+$/.test(handle);

/**
 * A group's pins. Inputs: tensor inputs of members fed from outside the group, or not fed at all
 * (so an unconnected block can still be wired up). Outputs: members whose output leaves the group,
 * or that feed nothing inside it (the block's end).
 */
export function groupPins(doc: Pick<EditorDocument, "nodes" | "edges">, group: EditorGroup): { inputs: Pin[]; outputs: Pin[] } {
  const members = new Set(group.nodeIds);
  const label = (id: string) => doc.nodes.find((n) => n.id === id)?.label ?? id;
  const inputs: Pin[] = [];
  const outputs: Pin[] = [];
  for (const id of group.nodeIds) {
    const node = doc.nodes.find((n) => n.id === id);
    const definition = node && getNodeDefinition(node.type);
    if (!node || !definition) continue;
    const into = doc.edges.filter((e) => e.target === id);
    const max = definition.kind === "layer" ? definition.inputs.max : 0;
    const handles = new Set(into.map((e) => e.targetHandle));
    const tensorHandles = new Set([...handles].filter(isTensorHandle));
    if (tensorHandles.size < max) handles.add(`in${firstFree(tensorHandles)}`);
    for (const handle of [...handles].sort()) {
      const feeder = into.find((e) => e.targetHandle === handle);
      if (!feeder || !members.has(feeder.source)) inputs.push({ id: inPin(id, handle), node: id, handle, label: `${label(id)} ${handle}` });
    }
    const out = doc.edges.filter((e) => e.source === id);
    const leaves = out.some((e) => !members.has(e.target));
    const endsBlock = definition.kind === "layer" && definition.category !== "output" && out.length === 0;
    if (leaves || endsBlock) outputs.push({ id: outPin(id), node: id, handle: definition.kind === "component" ? definition.provides : "out", label: label(id) });
  }
  return { inputs, outputs };
}

function firstFree(used: Set<string>): number {
  let i = 0;
  while (used.has(`in${i}`)) i++;
  return i;
}

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

const FRAME_PADDING = { side: 24, top: 40, bottom: 20 };

/** The rectangle a group's frame covers: its members' boxes plus room for the title. */
export function groupBounds(doc: Pick<EditorDocument, "nodes">, group: EditorGroup): Bounds {
  const members = doc.nodes.filter((n) => group.nodeIds.includes(n.id));
  const xs = members.map((n) => n.position.x);
  const ys = members.map((n) => n.position.y);
  const x = Math.min(...xs) - FRAME_PADDING.side;
  const y = Math.min(...ys) - FRAME_PADDING.top;
  return {
    x,
    y,
    width: Math.max(...xs) + NODE_SIZE.width + FRAME_PADDING.side - x,
    height: Math.max(...ys) + NODE_SIZE.height + FRAME_PADDING.bottom - y,
  };
}

/** Moves every member of a group so that the group's frame (or block) lands at position. */
export function moveGroup(doc: EditorDocument, groupId: string, position: Position): Record<string, Position> {
  const group = doc.groups.find((g) => g.id === groupId);
  if (!group) return {};
  const bounds = groupBounds(doc, group);
  const dx = position.x - bounds.x;
  const dy = position.y - bounds.y;
  const members = new Set(group.nodeIds);
  return Object.fromEntries(doc.nodes.filter((n) => members.has(n.id)).map((n) => [n.id, { x: n.position.x + dx, y: n.position.y + dy }]));
}

/** An edge as the canvas draws it when some groups are collapsed. */
export interface ViewEdge extends EditorEdge {
  /** The node or block the edge leaves, and the handle it leaves from. */
  viewSource: string;
  viewSourceHandle?: string;
  viewTarget: string;
  viewTargetHandle: string;
}

/**
 * What the canvas shows: members of collapsed groups are hidden, and edges crossing a collapsed
 * group's boundary are redrawn to the block's pins. Edges inside a collapsed group are hidden.
 */
export function collapsedView(doc: Pick<EditorDocument, "edges" | "groups">): { hidden: Set<string>; blockOf: Map<string, string>; edges: ViewEdge[] } {
  const blockOf = new Map<string, string>();
  for (const group of doc.groups) if (group.collapsed) for (const id of group.nodeIds) blockOf.set(id, group.id);
  const edges: ViewEdge[] = [];
  for (const edge of doc.edges) {
    const from = blockOf.get(edge.source);
    const to = blockOf.get(edge.target);
    if (from && from === to) continue;
    edges.push({
      ...edge,
      viewSource: from ?? edge.source,
      viewSourceHandle: from ? outPin(edge.source) : undefined,
      viewTarget: to ?? edge.target,
      viewTargetHandle: to ? inPin(edge.target, edge.targetHandle) : edge.targetHandle,
    });
  }
  return { hidden: new Set(blockOf.keys()), blockOf, edges };
}
