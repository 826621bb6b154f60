"use client";

import { useReactFlow } from "@xyflow/react";
import { useEffect, type RefObject } from "react";
import { copyFragment, moveNodes, parseFragment, pasteFragment, removeEdges, removeNodes } from "../../lib/editor/commands";
import { groupNodes, ungroup } from "../../lib/editor/groups";
import { autoLayout } from "../../lib/editor/layout";
import { useEditor } from "./editor-store";

const typing = (target: EventTarget | null) => target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

/** The selected nodes, with the members of selected groups. */
function selectedNodes(): string[] {
  const { selection, history } = useEditor.getState();
  const members = history.present.groups.filter((g) => selection.groups.includes(g.id)).flatMap((g) => g.nodeIds);
  return [...new Set([...selection.nodes, ...members])];
}

/** Deletes the selected nodes, groups (with their members) and edges as one undoable step. */
export function deleteSelection(): void {
  const { selection, apply, select } = useEditor.getState();
  const nodes = selectedNodes();
  if (nodes.length + selection.edges.length === 0) return;
  apply((d) => removeNodes(removeEdges(d, selection.edges), nodes));
  select({ nodes: [], edges: [], groups: [] });
}

/** Groups the selection into a new block (Ctrl+G). */
export function groupSelection(): void {
  const { apply, select, notify } = useEditor.getState();
  const nodes = selectedNodes();
  if (nodes.length === 0) return notify("info", "Select the nodes to group first.");
  let id = "";
  apply((d) => {
    const result = groupNodes(d, nodes);
    id = result.id;
    return result.doc;
  });
  select({ nodes: [], edges: [], groups: [id] });
}

/** Dissolves the selected groups, or the groups of the selected nodes (Ctrl+Shift+G). */
export function ungroupSelection(): void {
  const { selection, apply, select, history } = useEditor.getState();
  const ids = history.present.groups.filter((g) => selection.groups.includes(g.id) || g.nodeIds.some((n) => selection.nodes.includes(n))).map((g) => g.id);
  if (ids.length === 0) return;
  const members = history.present.groups.filter((g) => ids.includes(g.id)).flatMap((g) => g.nodeIds);
  apply((d) => ids.reduce(ungroup, d));
  select({ nodes: [...new Set([...selection.nodes, ...members])], groups: [] });
}

export function layoutAll(): void {
  useEditor.getState().apply((d) => moveNodes(d, autoLayout(d)));
}

function pasteText(text: string): boolean {
  const fragment = parseFragment(text);
  if (!fragment) return false;
  let ids: string[] = [];
  useEditor.getState().apply((d) => {
    const result = pasteFragment(d, fragment, { x: 40, y: 40 });
    ids = result.ids;
    return result.doc;
  });
  useEditor.getState().select({ nodes: ids, edges: [], groups: [] });
  return true;
}

/**
 * Keyboard and clipboard for the editor. Copy/paste go through the system clipboard as JSON, so
 * a selection copied in one tab pastes in another.
 */
export function useShortcuts(searchRef: RefObject<HTMLInputElement | null>, onSave: () => void): void {
  const flow = useReactFlow();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === "k") {
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      }
      if (mod && key === "s") {
        event.preventDefault();
        onSave();
        return;
      }
      if (typing(event.target)) return;
      const state = useEditor.getState();
      if (mod && key === "z") {
        event.preventDefault();
        if (event.shiftKey) state.redo();
        else state.undo();
      } else if (mod && key === "y") {
        event.preventDefault();
        state.redo();
      } else if (mod && key === "a") {
        event.preventDefault();
        const doc = state.history.present;
        state.select({ nodes: doc.nodes.map((n) => n.id), edges: doc.edges.map((e) => e.id) });
      } else if (mod && key === "g") {
        event.preventDefault();
        if (event.shiftKey) ungroupSelection();
        else groupSelection();
      } else if (mod && key === "d") {
        event.preventDefault();
        pasteText(JSON.stringify(copyFragment(state.history.present, selectedNodes())));
      } else if (key === "delete" || key === "backspace") {
        event.preventDefault();
        deleteSelection();
      } else if (!mod && key === "l") {
        layoutAll();
        setTimeout(() => void flow.fitView({ duration: 300, maxZoom: 1.2 }), 0);
      } else if (!mod && key === "f") {
        void flow.fitView({ duration: 300, maxZoom: 1.2 });
      }
    };
    const onCopy = (event: ClipboardEvent, cut = false) => {
      if (typing(event.target)) return;
      const state = useEditor.getState();
      const nodes = selectedNodes();
      if (nodes.length === 0) return;
      event.preventDefault();
      event.clipboardData?.setData("text/plain", JSON.stringify(copyFragment(state.history.present, nodes)));
      if (cut) deleteSelection();
    };
    const onPaste = (event: ClipboardEvent) => {
      if (typing(event.target)) return;
      if (pasteText(event.clipboardData?.getData("text/plain") ?? "")) event.preventDefault();
    };
    const onCut = (event: ClipboardEvent) => onCopy(event, true);
    window.addEventListener("keydown", onKey);
    document.addEventListener("copy", onCopy);
    document.addEventListener("cut", onCut);
    document.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("cut", onCut);
      document.removeEventListener("paste", onPaste);
    };
  }, [flow, onSave, searchRef]);
}
