"use client";

import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { EditorGroup } from "../../lib/editor/document";
import { updateGroup, type Pin } from "../../lib/editor/groups";
import { useEditor } from "./editor-store";
import { formatCount } from "./use-analysis";

export interface GroupNodeData extends Record<string, unknown> {
  group: EditorGroup;
  pins: { inputs: Pin[]; outputs: Pin[] };
  params: number;
  problems: number;
}

export type BlockFlowNode = Node<GroupNodeData, "block">;
export type FrameFlowNode = Node<GroupNodeData, "frame">;

const toggle = (group: EditorGroup) => useEditor.getState().apply((d) => updateGroup(d, group.id, { collapsed: !group.collapsed }));

function ToggleButton({ group }: { group: EditorGroup }) {
  return (
    <button
      type="button"
      className="group-toggle nodrag"
      onClick={() => toggle(group)}
      aria-expanded={!group.collapsed}
      aria-label={`${group.collapsed ? "Expand" : "Collapse"} ${group.label}`}
      title={group.collapsed ? "Expand the block" : "Collapse into one block"}
    >
      {group.collapsed ? "▸" : "▾"}
    </button>
  );
}

function Summary({ data }: { data: GroupNodeData }) {
  return (
    <span className="group-summary">
      {data.group.nodeIds.length} nodes · {formatCount(data.params)} params
      {data.problems > 0 && <span className="group-problems"> · ⚠ {data.problems}</span>}
    </span>
  );
}

/** A collapsed group: one block whose pins stand for the edges crossing its boundary. */
export const BlockNode = memo(function BlockNode({ data, selected }: NodeProps<BlockFlowNode>) {
  const { group, pins } = data;
  return (
    <div
      className={`group-block${selected ? " selected" : ""}${data.problems > 0 ? " has-error" : ""}`}
      data-testid={`block-${group.id}`}
      aria-label={`Block ${group.label}, ${group.nodeIds.length} nodes${data.problems ? `, ${data.problems} problems` : ""}`}
      onDoubleClick={() => toggle(group)}
    >
      {pins.inputs.map((pin, i) => (
        <Handle key={pin.id} id={pin.id} type="target" position={Position.Top} style={{ left: `${((i + 1) / (pins.inputs.length + 1)) * 100}%` }} title={`input: ${pin.label}`} />
      ))}
      <div className="layer-title">
        <span className="layer-name">{group.label}</span>
        <ToggleButton group={group} />
      </div>
      <div className="layer-meta">
        <Summary data={data} />
      </div>
      {pins.outputs.map((pin, i) => (
        <Handle key={pin.id} id={pin.id} type="source" position={Position.Bottom} style={{ left: `${((i + 1) / (pins.outputs.length + 1)) * 100}%` }} title={`output: ${pin.label}`} />
      ))}
    </div>
  );
});

/** An expanded group: a labelled frame behind its members; dragging the frame moves them all. */
export const FrameNode = memo(function FrameNode({ data, selected, width, height }: NodeProps<FrameFlowNode>) {
  const { group } = data;
  return (
    <div className={`group-frame${selected ? " selected" : ""}`} style={{ width, height }} data-testid={`frame-${group.id}`} aria-label={`Group ${group.label}`}>
      <div className="group-frame-title">
        <ToggleButton group={group} />
        <span className="layer-name">{group.label}</span>
        <Summary data={data} />
      </div>
    </div>
  );
});
