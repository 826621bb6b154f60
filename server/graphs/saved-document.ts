import { loadDocument, toExecutionGraph, type EditorDocument } from "../../lib/editor/document";
import { analyzeGraph } from "../../lib/graph/analyze";

/** Editor documents above this size are refused: a graph of thousands of nodes is still far smaller. */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

export interface SavedDocument {
  document: EditorDocument;
  name: string;
  nodeCount: number;
  totalParams: number;
  valid: boolean;
}

/**
 * What SaveGraph stores for a document: it must be a readable editor document (older versions are
 * brought up to date); an invalid graph inside it is kept — work in progress is worth saving —
 * and marked as such.
 */
export function readSavedDocument(text: string): { ok: true; saved: SavedDocument } | { ok: false; message: string } {
  if (new TextEncoder().encode(text).length > MAX_DOCUMENT_BYTES) return { ok: false, message: `larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB` };
  const loaded = loadDocument(text);
  if (!loaded.ok) return { ok: false, message: loaded.message };
  const { document } = loaded;
  const analysis = analyzeGraph(toExecutionGraph(document));
  return {
    ok: true,
    saved: { document, name: document.name.trim() || "Untitled model", nodeCount: document.nodes.length, totalParams: analysis.totalParams, valid: analysis.ok },
  };
}
