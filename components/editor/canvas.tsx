"use client";

import { Background, Controls, MiniMap, ReactFlow, useReactFlow, type Connection, type Edge, type EdgeChange, type IsValidConnection, type NodeChange } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { insertBlock } from "../../lib/editor/blocks";
import { addNode, connect } from "../../lib/editor/commands";
import { attachmentHandles, checkConnection, inputHandles } from "../../lib/editor/connections";
import type { EditorDocument, Position } from "../../lib/editor/document";
import { collapsedView, groupBounds, groupPins, moveGroup, resolvePin } from "../../lib/editor/groups";
import { formatShape } from "../../lib/graph/types";
import { useStable } from "../ui/use-stable";
import { useDocument, useEditor } from "./editor-store";
import { useBlockLibrary } from "./block-library";
import { BlockNode, FrameNode, type BlockFlowNode, type FrameFlowNode } from "./group-node";
import { LayerNode, type LayerFlowNode } from "./layer-node";
import { ShapeEdge } from "./shape-edge";
import type { DocumentAnalysis } from "./use-analysis";

const nodeTypes = { layer: LayerNode, block: BlockNode, frame: FrameNode };
const edgeTypes = { shape: ShapeEdge };
export const PALETTE_MIME = "application/x-cyxwiz-layer";
export const BLOCK_MIME = "application/x-cyxwiz-block";

type FlowNode = LayerFlowNode | BlockFlowNode | FrameFlowNode;

/** The member node and input a connection really joins, when an end is a collapsed block's pin. */
function memberEnd(node: string, handle: string | null | undefined, fallback: string): { node: string; handle: string } {
  return (handle && resolvePin(handle)) || { node, handle: handle ?? fallback };
}

/** The node editor: React Flow, controlled by the editor store (positions, edges, selection). */
export function Canvas({ analysis }: { analysis: DocumentAnalysis }) {
  const doc = useDocument();
  const selection = useEditor((s) => s.selection);
  const { apply, select, drag, notify } = useEditor.getState();
  const flow = useReactFlow();
  const refusal = useRef<string | undefined>(undefined);
  const loads = useEditor((s) => s.loads);
  useEffect(() => {
    // Each document opened is fitted into view (React Flow waits for its nodes to be measured); an
    // empty one starts at 100 % (fitting nothing would zoom all the way in). Not the fitView prop:
    // that one fires whenever the canvas first gets nodes, which in a docked panel can be later.
    const fresh = useEditor.getState().history.present;
    const timer = setTimeout(() => void (fresh.nodes.length > 0 ? flow.fitView({ maxZoom: 1.2 }) : flow.setViewport({ x: 40, y: 40, zoom: 1 })), 0);
    return () => clearTimeout(timer);
  }, [loads, flow]);

  // Flow nodes are reused while nothing about them changed, so a drag re-renders only what moves.
  const cache = useRef(new Map<string, { key: unknown[]; flow: LayerFlowNode }>());
  const { nodes: docNodes, edges: docEdges, groups } = doc;
  // Handles depend on edges and on which nodes exist, not on positions: recomputed only then.
  const kinds = useStable(
    docNodes.map((n) => ({ id: n.id, type: n.type })),
    (a, b) => a.length === b.length && a.every((k, i) => k.id === b[i]?.id && k.type === b[i]?.type),
  );
  const handlesByNode = useMemo(() => new Map(kinds.map((k) => [k.id, inputHandles({ edges: docEdges }, k.id, k.type)])), [docEdges, kinds]);
  const view = useMemo(() => collapsedView({ edges: docEdges, groups }), [docEdges, groups]);
  const groupNodes = useMemo(() => groupFlowNodes({ nodes: docNodes, edges: docEdges, groups }, analysis, selection.groups), [docNodes, docEdges, groups, analysis, selection.groups]);
  // The sizes React Flow measured: a controlled flow hands them back on its nodes, or the minimap
  // (which draws only nodes with a size) shows none.
  const [sizes, setSizes] = useState<ReadonlyMap<string, { width: number; height: number }>>(new Map());
  const nodes: FlowNode[] = useMemo(() => {
    const next = new Map<string, { key: unknown[]; flow: LayerFlowNode }>();
    const list = docNodes
      .filter((node) => !view.hidden.has(node.id))
      .map((node) => {
        const key = [node, analysis.byNode.get(node.id), analysis.issuesByNode.get(node.id), handlesByNode.get(node.id), selection.nodes.includes(node.id), sizes.get(node.id)];
        const cached = cache.current.get(node.id);
        const flow =
          cached && cached.key.every((k, i) => k === key[i])
            ? cached.flow
            : {
                id: node.id,
                type: "layer" as const,
                position: node.position,
                selected: key[4] as boolean,
                measured: sizes.get(node.id),
                data: {
                  node,
                  analyzed: analysis.byNode.get(node.id),
                  issues: analysis.issuesByNode.get(node.id) ?? [],
                  handles: handlesByNode.get(node.id) ?? [],
                  attachments: attachmentHandles(node.type),
                },
              };
        next.set(node.id, { key, flow });
        return flow;
      });
    cache.current = next;
    // Frames carry their size; blocks, like layers, are measured.
    return [...groupNodes.map((g) => (g.type === "block" && sizes.has(g.id) ? { ...g, measured: sizes.get(g.id) } : g)), ...list];
  }, [docNodes, analysis, selection.nodes, handlesByNode, view, groupNodes, sizes]);

  const edges: Edge[] = useMemo(
    () =>
      view.edges.map((e) => {
        const attachment = !/^in\d+$/.test(e.targetHandle);
        const shape = attachment ? undefined : analysis.byNode.get(e.source)?.outputShape;
        const broken = (analysis.issuesByNode.get(e.target) ?? []).some((i) => i.code === "shape");
        return {
          id: e.id,
          type: "shape",
          source: e.viewSource,
          target: e.viewTarget,
          targetHandle: e.viewTargetHandle,
          sourceHandle: e.viewSourceHandle ?? (attachment ? e.targetHandle : "out"),
          label: shape ? formatShape(shape) : undefined,
          selected: selection.edges.includes(e.id),
          className: attachment ? "edge-attachment" : broken ? "edge-broken" : undefined,
          animated: false,
        };
      }),
    [view, analysis, selection.edges],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const state = useEditor.getState();
      const current = state.history.present;
      const isGroup = new Set(current.groups.map((g) => g.id));
      let positions: Record<string, Position> = {};
      let ended = false;
      let selectionChanged = false;
      const selected = { nodes: new Set(state.selection.nodes), groups: new Set(state.selection.groups) };
      const measured = changes.filter((c) => c.type === "dimensions" && c.dimensions);
      if (measured.length > 0) {
        setSizes((known) => {
          const next = new Map(known);
          for (const change of measured) if (change.type === "dimensions" && change.dimensions) next.set(change.id, change.dimensions);
          return next;
        });
      }
      for (const change of changes) {
        if (change.type === "position") {
          // A block or frame carries its members along.
          if (change.position) positions = isGroup.has(change.id) ? { ...positions, ...moveGroup(current, change.id, change.position) } : { ...positions, [change.id]: change.position };
          if (change.dragging === false) ended = true;
        }
        if (change.type === "select") {
          selectionChanged = true;
          const set = isGroup.has(change.id) ? selected.groups : selected.nodes;
          if (change.selected) set.add(change.id);
          else set.delete(change.id);
        }
      }
      if (Object.keys(positions).length > 0 || ended) drag(positions, ended);
      if (selectionChanged) select({ nodes: [...selected.nodes], groups: [...selected.groups] });
    },
    [drag, select],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const selected = new Set(useEditor.getState().selection.edges);
      let changed = false;
      for (const change of changes) {
        if (change.type !== "select") continue;
        changed = true;
        if (change.selected) selected.add(change.id);
        else selected.delete(change.id);
      }
      if (changed) select({ edges: [...selected] });
    },
    [select],
  );

  const isValidConnection: IsValidConnection = useCallback(
    (c) => {
      const from = memberEnd(c.source, c.sourceHandle, "out");
      const to = memberEnd(c.target, c.targetHandle, "in0");
      const verdict = checkConnection(doc, analysis.analysis, from.node, to.node, to.handle);
      refusal.current = verdict.ok ? undefined : verdict.reason;
      return verdict.ok;
    },
    [doc, analysis],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      refusal.current = undefined;
      const to = memberEnd(c.target, c.targetHandle, "in0");
      apply((d) => connect(d, memberEnd(c.source, c.sourceHandle, "out").node, to.node, to.handle));
    },
    [apply],
  );

  const onConnectEnd = useCallback(() => {
    if (refusal.current) notify("error", `Not connected: ${refusal.current}`);
    refusal.current = undefined;
  }, [notify]);

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(PALETTE_MIME) || event.dataTransfer.types.includes(BLOCK_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const block = useBlockLibrary.getState().blocks.find((b) => b.name === event.dataTransfer.getData(BLOCK_MIME));
      if (block) {
        event.preventDefault();
        let placed = "";
        apply((d) => {
          const result = insertBlock(d, block, position);
          placed = result.groupId;
          return result.doc;
        });
        select({ nodes: [], edges: [], groups: [placed] });
        return;
      }
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (!type) return;
      event.preventDefault();
      let added = "";
      apply((d) => {
        const result = addNode(d, type, { x: position.x - 100, y: position.y - 30 });
        added = result.id;
        return result.doc;
      });
      select({ nodes: [added], edges: [], groups: [] });
    },
    [apply, flow, select],
  );

  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<FlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Meta", "Control"]}
        minZoom={0.1}
        colorMode="system"
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} />
        <MiniMap pannable zoomable ariaLabel="Minimap of the model" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

/** Blocks for collapsed groups and frames behind expanded ones, each with its members' totals. */
function groupFlowNodes(doc: Pick<EditorDocument, "nodes" | "edges" | "groups">, analysis: DocumentAnalysis, selected: string[]): (BlockFlowNode | FrameFlowNode)[] {
  return doc.groups.map((group) => {
    const bounds = groupBounds(doc, group);
    const data = {
      group,
      pins: groupPins(doc, group),
      params: group.nodeIds.reduce((sum, id) => sum + (analysis.byNode.get(id)?.paramCount ?? 0), 0),
      problems: group.nodeIds.reduce((sum, id) => sum + (analysis.issuesByNode.get(id)?.length ?? 0), 0),
    };
    const common = { id: group.id, position: { x: bounds.x, y: bounds.y }, selected: selected.includes(group.id), data };
    return group.collapsed ? { ...common, type: "block" as const } : { ...common, type: "frame" as const, width: bounds.width, height: bounds.height, zIndex: -1, dragHandle: ".group-frame-title" };
  });
}
