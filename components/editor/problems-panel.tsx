"use client";

import { useReactFlow } from "@xyflow/react";
import { useEditor } from "./editor-store";
import type { DocumentAnalysis } from "./use-analysis";

/** Every problem in the graph; choosing one selects and centres its node. */
export function ProblemsPanel({ analysis }: { analysis: DocumentAnalysis }) {
  const flow = useReactFlow();
  const { issues } = analysis.analysis;
  if (issues.length === 0)
    return (
      <p className="muted" data-testid="problems">
        No problems: the model is ready to train.
      </p>
    );
  const focus = (nodeId?: string) => {
    if (!nodeId) return;
    // A node inside a collapsed block is shown by its block.
    const block = useEditor.getState().history.present.groups.find((g) => g.collapsed && g.nodeIds.includes(nodeId));
    useEditor.getState().select(block ? { nodes: [], edges: [], groups: [block.id] } : { nodes: [nodeId], edges: [], groups: [] });
    const node = flow.getNode(block?.id ?? nodeId);
    if (node) void flow.setCenter(node.position.x + 100, node.position.y + 40, { zoom: 1.1, duration: 300 });
  };
  return (
    <ul className="problems" data-testid="problems">
      {issues.map((issue, i) => (
        <li key={i}>
          <button type="button" className="link" onClick={() => focus(issue.nodeId)} disabled={!issue.nodeId}>
            {issue.message}
          </button>
        </li>
      ))}
    </ul>
  );
}
