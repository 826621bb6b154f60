import { z } from "zod";
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphIssue, type ModelGraph } from "./types";
import { upgrade, type Migration } from "./versions";

/**
 * How older execution graphs are brought up to date: entry i upgrades version i + 1 to i + 2.
 * Version 1 is still the current one, so there is nothing to do yet; a change to the graph's
 * shape bumps GRAPH_VERSION and adds its step here.
 */
export const GRAPH_MIGRATIONS: readonly Migration[] = [];

const nodeSchema = z.object({
  id: z.string().min(1).max(128),
  type: z.string().min(1).max(64),
  label: z.string().max(200).optional(),
  params: z.record(z.string(), z.unknown()).default({}),
});

const edgeSchema = z.object({
  source: z.string().min(1),
  target: z.string().min(1),
  targetHandle: z.string().max(64).optional(),
});

const graphSchema = z.object({
  format: z.literal(GRAPH_FORMAT),
  version: z.number().int().min(1),
  name: z.string().max(200).optional(),
  nodes: z.array(nodeSchema).max(10_000),
  edges: z.array(edgeSchema).max(50_000),
});

export type ParseResult = { ok: true; graph: ModelGraph } | { ok: false; issues: GraphIssue[] };

/**
 * Turns untrusted input (JSON text or a parsed value) into a structurally sound graph.
 * Semantics (layer types, params, shapes) are analyzeGraph's job.
 */
export function parseGraph(input: unknown): ParseResult {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (error) {
      return fail({ code: "malformed", message: `model_definition is not valid JSON: ${(error as Error).message}` });
    }
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version > GRAPH_VERSION) {
    return fail({
      code: "unsupported_version",
      field: "version",
      message: `graph version ${version} is newer than this server understands (${GRAPH_VERSION})`,
    });
  }
  const isObject = typeof value === "object" && value !== null && typeof version === "number";
  const parsed = graphSchema.safeParse(isObject ? upgrade(value as Record<string, unknown>, GRAPH_MIGRATIONS) : value);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => {
        const field = issue.path.join(".");
        const nodeId = nodeIdAt(value, issue.path);
        const where = nodeId ? `node "${nodeId}": ` : "";
        return { code: "malformed" as const, field, nodeId, message: `${where}${field || "graph"}: ${issue.message}` };
      }),
    };
  }
  return { ok: true, graph: parsed.data as ModelGraph };
}

function fail(issue: GraphIssue): ParseResult {
  return { ok: false, issues: [issue] };
}

/** The id of the node a structural error sits in, so that even malformed graphs get errors that point somewhere. */
function nodeIdAt(value: unknown, path: PropertyKey[]): string | undefined {
  if (path[0] !== "nodes" || typeof path[1] !== "number") return undefined;
  const node = (value as { nodes?: unknown[] }).nodes?.[path[1]] as { id?: unknown } | undefined;
  return typeof node?.id === "string" ? node.id : undefined;
}
