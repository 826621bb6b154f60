import { z } from "zod";
import { parseGraph } from "../graph/parse";
import { getNodeDefinition } from "../graph/registry";
import { upgrade, type Migration } from "../graph/versions";
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphEdge, type GraphIssue, type GraphNode, type ModelGraph } from "../graph/types";

/**
 * The editor document: the model graph plus what only the editor cares about (positions, colours,
 * viewport). The execution graph the server receives is derived from it (toExecutionGraph).
 */
export const EDITOR_FORMAT = "cyxwiz.editor";
/** Version 2 added groups. */
export const EDITOR_VERSION = 2;

/** How older editor documents are brought up to date: entry i upgrades version i + 1 to i + 2. */
export const EDITOR_MIGRATIONS: readonly Migration[] = [(v1) => ({ ...v1, groups: [] })];

export interface Position {
  x: number;
  y: number;
}

export interface EditorNode extends GraphNode {
  position: Position;
  color?: string;
}

export interface EditorEdge extends GraphEdge {
  id: string;
  /** in0, in1, … for tensors; optimizer, schedule or regularizer for configuration. */
  targetHandle: string;
}

/**
 * Nodes drawn together under one label. A collapsed group shows as a single block whose pins are
 * the edges crossing its boundary; a saved group is a reusable block.
 */
export interface EditorGroup {
  id: string;
  label: string;
  nodeIds: string[];
  collapsed: boolean;
  color?: string;
}

export interface EditorDocument {
  format: typeof EDITOR_FORMAT;
  version: typeof EDITOR_VERSION;
  name: string;
  nodes: EditorNode[];
  edges: EditorEdge[];
  groups: EditorGroup[];
  viewport?: { x: number; y: number; zoom: number };
}

export const edgeId = (e: Pick<GraphEdge, "source" | "target" | "targetHandle">) => `${e.source}->${e.target}:${e.targetHandle ?? "in0"}`;

export function emptyDocument(name = "Untitled model"): EditorDocument {
  return { format: EDITOR_FORMAT, version: EDITOR_VERSION, name, nodes: [], edges: [], groups: [] };
}

export function toExecutionGraph(doc: EditorDocument): ModelGraph {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: doc.name,
    nodes: doc.nodes.map(({ id, type, label, params }) => (label ? { id, type, label, params } : { id, type, params })),
    edges: doc.edges.map(({ source, target, targetHandle }) => ({ source, target, targetHandle })),
  };
}

/** An editor document for an execution graph (a template, a file from elsewhere), laid out in a column unless positions are given. */
export function fromExecutionGraph(graph: ModelGraph, positions: Record<string, Position> = {}): EditorDocument {
  const handles = new Map<string, number>();
  return {
    format: EDITOR_FORMAT,
    version: EDITOR_VERSION,
    name: graph.name ?? "Untitled model",
    nodes: graph.nodes.map((n, i) => ({ ...n, params: { ...n.params }, position: positions[n.id] ?? { x: 0, y: i * 110 } })),
    edges: graph.edges.map((e) => {
      // Edges without a handle take the target's next free input, in the order they are listed.
      const next = handles.get(e.target) ?? 0;
      handles.set(e.target, next + 1);
      const targetHandle = e.targetHandle ?? `in${next}`;
      return { source: e.source, target: e.target, targetHandle, id: edgeId({ ...e, targetHandle }) };
    }),
    groups: [],
  };
}

const documentSchema = z.object({
  format: z.literal(EDITOR_FORMAT),
  version: z.number().int().min(1),
  name: z.string().max(200),
  nodes: z.array(
    z.object({
      id: z.string().min(1).max(128),
      type: z.string().min(1),
      label: z.string().max(200).optional(),
      params: z.record(z.string(), z.unknown()),
      position: z.object({ x: z.number(), y: z.number() }),
      color: z.string().max(32).optional(),
    }),
  ),
  edges: z.array(z.object({ id: z.string(), source: z.string(), target: z.string(), targetHandle: z.string() })),
  groups: z.array(
    z.object({
      id: z.string().min(1).max(128),
      label: z.string().max(200),
      nodeIds: z.array(z.string()).min(1),
      collapsed: z.boolean(),
      color: z.string().max(32).optional(),
    }),
  ),
  viewport: z.object({ x: z.number(), y: z.number(), zoom: z.number() }).optional(),
});

export type LoadResult = { ok: true; document: EditorDocument } | { ok: false; message: string; issues?: GraphIssue[] };

/**
 * Reads a file the user opened: an editor document, or a bare execution graph (from the CLI, a
 * job, another tool). Corrupted, foreign or future-version files are refused with a reason.
 */
export function loadDocument(text: string): LoadResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not a JSON file: ${(error as Error).message}` };
  }
  const format = (value as { format?: unknown } | null)?.format;
  const version = (value as { version?: unknown } | null)?.version;
  if (format === GRAPH_FORMAT) {
    if (typeof version === "number" && version > GRAPH_VERSION) return { ok: false, message: `this model graph is version ${version}; this Engine reads up to ${GRAPH_VERSION}` };
    const parsed = parseGraph(value);
    if (!parsed.ok) return { ok: false, message: `the model graph is damaged: ${parsed.issues[0]?.message}`, issues: parsed.issues };
    return { ok: true, document: fromExecutionGraph(parsed.graph) };
  }
  if (format !== EDITOR_FORMAT) return { ok: false, message: `not a CyxWiz model (format ${JSON.stringify(format ?? "missing")})` };
  if (typeof version === "number" && version > EDITOR_VERSION) return { ok: false, message: `this document is version ${version}; this Engine reads up to ${EDITOR_VERSION}` };
  const parsed = documentSchema.safeParse(upgrade(value as Record<string, unknown>, EDITOR_MIGRATIONS));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `the document is damaged at ${issue?.path.join(".") || "its root"}: ${issue?.message}` };
  }
  const unknown = parsed.data.nodes.find((n) => !getNodeDefinition(n.type));
  if (unknown) return { ok: false, message: `node "${unknown.id}" has a type this Engine does not know: ${unknown.type}` };
  const groupProblem = checkGroups(parsed.data as EditorDocument);
  if (groupProblem) return { ok: false, message: `the document is damaged: ${groupProblem}` };
  return { ok: true, document: parsed.data as EditorDocument };
}

/** Groups must hold nodes that exist, each node in at most one group. */
function checkGroups(doc: EditorDocument): string | undefined {
  const nodes = new Set(doc.nodes.map((n) => n.id));
  const owner = new Map<string, string>();
  for (const group of doc.groups) {
    for (const id of group.nodeIds) {
      if (!nodes.has(id)) return `group "${group.id}" holds node "${id}", which does not exist`;
      const other = owner.get(id);
      if (other) return `node "${id}" is in both group "${other}" and group "${group.id}"`;
      owner.set(id, group.id);
    }
  }
  return undefined;
}

export function serializeDocument(doc: EditorDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
