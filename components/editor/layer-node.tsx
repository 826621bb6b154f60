"use client";

import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { AnalyzedNode } from "../../lib/graph/analyze";
import { withArticle } from "../../lib/graph/layer";
import { getNodeDefinition } from "../../lib/graph/registry";
import { formatShape, type GraphIssue } from "../../lib/graph/types";
import type { EditorNode } from "../../lib/editor/document";
import { useDetailed } from "./shape-edge";
import { formatCount } from "./use-analysis";

export interface LayerNodeData extends Record<string, unknown> {
  node: EditorNode;
  analyzed?: AnalyzedNode;
  issues: GraphIssue[];
  /** Tensor inputs (in0, in1, …) along the top. */
  handles: string[];
  /** Configuration inputs (optimizer, schedule, regularizer) along the left side. */
  attachments: string[];
}

export type LayerFlowNode = Node<LayerNodeData, "layer">;

/** One layer on the canvas: name, type, output shape, parameter and FLOP badges, its problems, typed handles. */
export const LayerNode = memo(function LayerNode({ data, selected }: NodeProps<LayerFlowNode>) {
  const { node, analyzed, issues, handles, attachments } = data;
  const definition = getNodeDefinition(node.type);
  const category = definition?.category ?? "core";
  const provides = definition?.kind === "component" ? definition.provides : undefined;
  const problem = issues[0];
  const detailed = useDetailed();
  return (
    <div
      className={`layer-node cat-${category}${provides ? " component" : ""}${problem ? " has-error" : ""}${selected ? " selected" : ""}`}
      data-node-id={node.id}
      data-testid={`node-${node.id}`}
      aria-label={`${node.label ?? node.id} (${node.type})${problem ? `, problem: ${problem.message}` : ""}`}
    >
      {handles.map((id, i) => (
        <Handle key={id} id={id} type="target" position={Position.Top} style={{ left: `${((i + 1) / (handles.length + 1)) * 100}%` }} title={`input ${i + 1}`} />
      ))}
      {attachments.map((kind, i) => (
        <Handle key={kind} id={kind} type="target" position={Position.Left} className={`handle-${kind}`} style={{ top: `${((i + 1) / (attachments.length + 1)) * 100}%` }} title={`${kind} input`} />
      ))}
      <div className="layer-title">
        <span className="layer-name">{node.label ?? node.id}</span>
        <span className="layer-type">{node.type}</span>
      </div>
      {detailed && provides && <div className="layer-meta">{describeComponent(node.params)}</div>}
      {detailed && !provides && (
        <div className="layer-meta">
          <span data-testid="node-shape">{analyzed?.outputShape ? formatShape(analyzed.outputShape) : "?"}</span>
          {analyzed && analyzed.paramCount > 0 && <span className="badge-mini">{formatCount(analyzed.paramCount)} params</span>}
          {analyzed && analyzed.flops > 0 && <span className="badge-mini">{formatCount(analyzed.flops)} FLOPs</span>}
        </div>
      )}
      {problem && detailed && (
        <div className="layer-error" role="alert" title={issues.map((i) => i.message).join("\n")}>
          ⚠ {problem.message.replace(/^node "[^"]+" \([^)]+\): /, "")}
        </div>
      )}
      {provides ? (
        <Handle type="source" position={Position.Right} id={provides} className={`handle-${provides}`} title={`attach to ${withArticle(provides)} input`} />
      ) : (
        category !== "output" && <Handle type="source" position={Position.Bottom} id="out" />
      )}
    </div>
  );
});

/** A configuration node's parameters in a line: "learningRate 0.001 · weightDecay 0.01". */
function describeComponent(params: Record<string, unknown>): string {
  return Object.entries(params)
    .filter(([, v]) => typeof v !== "boolean" || v)
    .slice(0, 3)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(" · ");
}
