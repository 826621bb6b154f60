"use client";

import { useMemo, useRef } from "react";
import type { DatasetSpec } from "../../lib/data/dataset-format";
import type { AnalyzedNode, GraphAnalysis } from "../../lib/graph/analyze";
import { prepareParsedGraph } from "../../lib/graph/prepare";
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
 * large graph re-renders only what moved. With the server's datasets known, a data pipeline is
 * followed and the model checked against the dataset it names.
 */
export function useAnalysis(doc: EditorDocument, datasets?: readonly { spec: DatasetSpec }[]): DocumentAnalysis {
  const previous = useRef<{ doc: EditorDocument; datasets?: readonly unknown[]; result: DocumentAnalysis } | null>(null);
  return useMemo(() => {
    const last = previous.current;
    if (last && last.datasets === datasets && sameStructure(last.doc, doc)) return last.result;
    const lookup = datasets && ((name: string) => datasets.find((d) => d.spec.name === name)?.spec);
    // The dataset's problems are shown, and block code and training, with the graph's own.
    const prepared = prepareParsedGraph(toExecutionGraph(doc), lookup && { catalog: lookup });
    const analysis: GraphAnalysis = { ...prepared.analysis, ok: prepared.ok, issues: prepared.issues };
    const issuesByNode = new Map<string, GraphIssue[]>();
    for (const issue of analysis.issues) {
      if (!issue.nodeId) continue;
      issuesByNode.set(issue.nodeId, [...(issuesByNode.get(issue.nodeId) ?? []), issue]);
    }
    const result = { analysis, byNode: new Map(analysis.nodes.map((n) => [n.node.id, n])), issuesByNode };
    previous.current = { doc, datasets, result };
    return result;
  }, [doc, datasets]);
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
