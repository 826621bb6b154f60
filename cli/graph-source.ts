import { readFile } from "node:fs/promises";
import { parseGraph } from "../lib/graph/parse";
import { findTemplate, type ModelTemplate } from "../lib/graph/templates";
import type { ModelGraph } from "../lib/graph/types";

export type GraphSource = { ok: true; graph: ModelGraph; template?: ModelTemplate } | { ok: false; message: string };

/** A template id or a graph file (an execution graph or an editor document), as a model graph. */
export async function readGraphSource(source: string): Promise<GraphSource> {
  const template = findTemplate(source);
  if (template) return { ok: true, graph: template.graph, template };
  let text: string;
  try {
    text = await readFile(source, "utf8");
  } catch (error) {
    return { ok: false, message: `"${source}" is neither a template id nor a readable file: ${(error as Error).message}` };
  }
  const { loadDocument, toExecutionGraph } = await import("../lib/editor/document");
  const document = loadDocument(text);
  if (document.ok) return { ok: true, graph: toExecutionGraph(document.document) };
  const parsed = parseGraph(text);
  return parsed.ok ? { ok: true, graph: parsed.graph } : { ok: false, message: parsed.issues.map((i) => i.message).join("; ") };
}
