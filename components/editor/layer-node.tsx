"use client";

import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { AnalyzedNode } from "../../lib/graph/analyze";
import { getLayer } from "../../lib/graph/registry";
import { formatShape, type GraphIssue } from "../../lib/graph/types";
import type { EditorNode } from "../../lib/editor/document";
import { useDetailed } from "./shape-edge";
import { formatCount } from "./use-analysis";

export interface LayerNodeData extends Record<string, unknown> {
  node: EditorNode;
  analyzed?: AnalyzedNode;
  issues: GraphIssue[];
  handles: string[];
}

export type LayerFlowNode = Node<LayerNodeData, "layer">;

/** One layer on the canvas: name, type, output shape, parameter and FLOP badges, its problems, typed handles. */
export const LayerNode = memo(function LayerNode({ data, selected }: NodeProps<LayerFlowNode>) {
  const { node, analyzed, issues, handles } = data;
  const layer = getLayer(node.type);
  const category = layer?.category ?? "core";
  const problem = issues[0];
  const detailed = useDetailed();
  return (
    <div
      className={`layer-node cat-${category}${problem ? " has-error" : ""}${selected ? " selected" : ""}`}
      data-node-id={node.id}
      data-testid={`node-${node.id}`}
      aria-label={`${node.label ?? node.id} (${node.type})${problem ? `, problem: ${problem.message}` : ""}`}
    >
      {handles.map((id, i) => (
        <Handle key={id} id={id} type="target" position={Position.Top} style={{ left: `${((i + 1) / (handles.length + 1)) * 100}%` }} title={`input ${i + 1}`} />
      ))}
      <div className="layer-title">
        <span className="layer-name">{node.label ?? node.id}</span>
        <span className="layer-type">{node.type}</span>
      </div>
      {detailed && <div className="layer-meta">
        <span data-testid="node-shape">{analyzed?.outputShape ? formatShape(analyzed.outputShape) : "?"}</span>
        {analyzed && analyzed.paramCount > 0 && <span className="badge-mini">{formatCount(analyzed.paramCount)} params</span>}
        {analyzed && analyzed.flops > 0 && <span className="badge-mini">{formatCount(analyzed.flops)} FLOPs</span>}
      </div>}
      {problem && detailed && (
        <div className="layer-error" role="alert" title={issues.map((i) => i.message).join("\n")}>
          ⚠ {problem.message.replace(/^node "[^"]+" \([^)]+\): /, "")}
        </div>
      )}
      {category !== "output" && <Handle type="source" position={Position.Bottom} id="out" />}
    </div>
  );
});
