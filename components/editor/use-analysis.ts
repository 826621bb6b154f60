"use client";

import { useMemo, useRef } from "react";
import { analyzeGraph, type AnalyzedNode, type GraphAnalysis } from "../../lib/graph/analyze";
import type { GraphIssue } from "../../lib/graph/types";
import { toExecutionGraph, type EditorDocument } from "../../lib/editor/document";

export interface DocumentAnalysis {
  analysis: GraphAnalysis;
  byNode: Map<string, AnalyzedNode>;
  issuesByNode: Map<string, GraphIssue[]>;
}

/**
 * Shapes, parameter counts and problems of the document. Recomputed only when its structure
 * changes (types, parameters, labels, edges) — not when nodes merely move — so that dragging in a
 * large graph re-renders only what moved.
 */
export function useAnalysis(doc: EditorDocument): DocumentAnalysis {
  const previous = useRef<{ doc: EditorDocument; result: DocumentAnalysis } | null>(null);
  return useMemo(() => {
    const last = previous.current;
    if (last && sameStructure(last.doc, doc)) return last.result;
    const analysis = analyzeGraph(toExecutionGraph(doc));
    const issuesByNode = new Map<string, GraphIssue[]>();
    for (const issue of analysis.issues) {
      if (!issue.nodeId) continue;
      issuesByNode.set(issue.nodeId, [...(issuesByNode.get(issue.nodeId) ?? []), issue]);
    }
    const result = { analysis, byNode: new Map(analysis.nodes.map((n) => [n.node.id, n])), issuesByNode };
    previous.current = { doc, result };
    return result;
  }, [doc]);
}

function sameStructure(a: EditorDocument, b: EditorDocument): boolean {
  if (a.edges !== b.edges || a.name !== b.name || a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((n, i) => {
    const m = b.nodes[i];
    return m !== undefined && n.id === m.id && n.type === m.type && n.params === m.params && n.label === m.label;
  });
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}
