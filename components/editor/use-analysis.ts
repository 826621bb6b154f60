"use client";

import { useMemo } from "react";
import { analyzeGraph, type AnalyzedNode, type GraphAnalysis } from "../../lib/graph/analyze";
import type { GraphIssue } from "../../lib/graph/types";
import { toExecutionGraph, type EditorDocument } from "../../lib/editor/document";

export interface DocumentAnalysis {
  analysis: GraphAnalysis;
  byNode: Map<string, AnalyzedNode>;
  issuesByNode: Map<string, GraphIssue[]>;
}

/** Shapes, parameter counts and problems of the document, recomputed when it changes. */
export function useAnalysis(doc: EditorDocument): DocumentAnalysis {
  return useMemo(() => {
    const analysis = analyzeGraph(toExecutionGraph(doc));
    const issuesByNode = new Map<string, GraphIssue[]>();
    for (const issue of analysis.issues) {
      if (!issue.nodeId) continue;
      issuesByNode.set(issue.nodeId, [...(issuesByNode.get(issue.nodeId) ?? []), issue]);
    }
    return { analysis, byNode: new Map(analysis.nodes.map((n) => [n.node.id, n])), issuesByNode };
  }, [doc]);
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}
