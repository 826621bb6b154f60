"use client";

import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useMemo, useRef, type DragEvent } from "react";
import { addNode, connect } from "../../lib/editor/commands";
import { attachmentHandles, checkConnection, inputHandles } from "../../lib/editor/connections";
import type { Position } from "../../lib/editor/document";
import { formatShape } from "../../lib/graph/types";
import { useDocument, useEditor } from "./editor-store";
import { LayerNode, type LayerFlowNode } from "./layer-node";
import { ShapeEdge } from "./shape-edge";
import type { DocumentAnalysis } from "./use-analysis";

const nodeTypes = { layer: LayerNode };
const edgeTypes = { shape: ShapeEdge };
export const PALETTE_MIME = "application/x-cyxwiz-layer";

/** The node editor: React Flow, controlled by the editor store (positions, edges, selection). */
export function Canvas({ analysis }: { analysis: DocumentAnalysis }) {
  const doc = useDocument();
  const selection = useEditor((s) => s.selection);
  const { apply, select, drag, notify } = useEditor.getState();
  const flow = useReactFlow();
  const refusal = useRef<string | undefined>(undefined);

  // Flow nodes are reused while nothing about them changed, so a drag re-renders only what moves.
  const cache = useRef(new Map<string, { key: unknown[]; flow: LayerFlowNode }>());
  // Handles depend on edges and on which nodes exist, not on positions: recomputed only then.
  const nodeKeys = doc.nodes.map((n) => n.id).join("\n");
  const handlesByNode = useMemo(() => new Map(doc.nodes.map((n) => [n.id, inputHandles(doc, n.id, n.type)])), [doc.edges, nodeKeys]);
  const nodes: LayerFlowNode[] = useMemo(() => {
    const next = new Map<string, { key: unknown[]; flow: LayerFlowNode }>();
    const list = doc.nodes.map((node) => {
      const key = [node, analysis.byNode.get(node.id), analysis.issuesByNode.get(node.id), handlesByNode.get(node.id), selection.nodes.includes(node.id)];
      const cached = cache.current.get(node.id);
      const flow =
        cached && cached.key.every((k, i) => k === key[i])
          ? cached.flow
          : {
              id: node.id,
              type: "layer" as const,
              position: node.position,
              selected: key[4] as boolean,
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
    return list;
  }, [doc.nodes, analysis, selection.nodes, handlesByNode]);

  const edges: Edge[] = useMemo(
    () =>
      doc.edges.map((e) => {
        const attachment = !/^in\d+$/.test(e.targetHandle);
        const shape = attachment ? undefined : analysis.byNode.get(e.source)?.outputShape;
        const broken = (analysis.issuesByNode.get(e.target) ?? []).some((i) => i.code === "shape");
        return {
          id: e.id,
          type: "shape",
          source: e.source,
          target: e.target,
          targetHandle: e.targetHandle,
          sourceHandle: attachment ? e.targetHandle : "out",
          label: shape ? formatShape(shape) : undefined,
          selected: selection.edges.includes(e.id),
          className: attachment ? "edge-attachment" : broken ? "edge-broken" : undefined,
          animated: false,
        };
      }),
    [doc, analysis, selection.edges],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<LayerFlowNode>[]) => {
      const positions: Record<string, Position> = {};
      let ended = false;
      let selectionChanged = false;
      const selected = new Set(useEditor.getState().selection.nodes);
      for (const change of changes) {
        if (change.type === "position") {
          if (change.position) positions[change.id] = change.position;
          if (change.dragging === false) ended = true;
        }
        if (change.type === "select") {
          selectionChanged = true;
          if (change.selected) selected.add(change.id);
          else selected.delete(change.id);
        }
      }
      if (Object.keys(positions).length > 0 || ended) drag(positions, ended);
      if (selectionChanged) select({ nodes: [...selected] });
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
      const verdict = checkConnection(doc, analysis.analysis, c.source, c.target, c.targetHandle ?? "in0");
      refusal.current = verdict.ok ? undefined : verdict.reason;
      return verdict.ok;
    },
    [doc, analysis],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      refusal.current = undefined;
      apply((d) => connect(d, c.source, c.target, c.targetHandle ?? "in0"));
    },
    [apply],
  );

  const onConnectEnd = useCallback(() => {
    if (refusal.current) notify("error", `Not connected: ${refusal.current}`);
    refusal.current = undefined;
  }, [notify]);

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(PALETTE_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (!type) return;
      event.preventDefault();
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      let added = "";
      apply((d) => {
        const result = addNode(d, type, { x: position.x - 100, y: position.y - 30 });
        added = result.id;
        return result.doc;
      });
      select({ nodes: [added], edges: [] });
    },
    [apply, flow, select],
  );

  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<LayerFlowNode>
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
        fitView
        fitViewOptions={{ maxZoom: 1.2 }}
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
