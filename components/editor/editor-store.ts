"use client";

import { create } from "zustand";
import { emptyDocument, type EditorDocument, type Position } from "../../lib/editor/document";
import { commit, redo, replace, settle, startHistory, undo, type History } from "../../lib/editor/history";
import { moveNodes } from "../../lib/editor/commands";

export interface Notice {
  kind: "info" | "error";
  message: string;
  at: number;
}

/** Where the document lives on the server: the graph and the revision the current edits started from. */
export interface ServerLink {
  id: string;
  revision: number;
  /** The document as last saved or opened, to tell whether there are unsaved changes. */
  saved: EditorDocument;
}

export interface Selection {
  nodes: string[];
  edges: string[];
  groups: string[];
}

const NOTHING: Selection = { nodes: [], edges: [], groups: [] };

interface EditorState {
  history: History<EditorDocument>;
  selection: Selection;
  /** The document as a drag began, so that the whole drag undoes as one step. */
  dragAnchor?: EditorDocument;
  notice?: Notice;
  server?: ServerLink;
  /** Counts documents loaded (opened, new, template), so that the canvas fits each one into view. */
  loads: number;
  load(doc: EditorDocument, server?: ServerLink): void;
  /** Applies a command as one undoable step. */
  apply(change: (doc: EditorDocument) => EditorDocument): void;
  undo(): void;
  redo(): void;
  select(selection: Partial<Selection>): void;
  drag(positions: Record<string, Position>, done: boolean): void;
  notify(kind: Notice["kind"], message: string): void;
  setServer(server: ServerLink | undefined): void;
}

/**
 * The editor's state, outside React components (as excalidraw and tldraw keep theirs): the
 * document with its history, the selection, and passing notices. Commands are pure functions from
 * lib/editor; this only sequences them.
 */
export const useEditor = create<EditorState>()((set, get) => ({
  history: startHistory(emptyDocument()),
  selection: NOTHING,
  loads: 0,
  load: (doc, server) => set((s) => ({ history: startHistory(doc), selection: NOTHING, dragAnchor: undefined, server, loads: s.loads + 1 })),
  apply: (change) => set((s) => ({ history: commit(s.history, change(s.history.present)) })),
  undo: () => set((s) => ({ history: undo(s.history) })),
  redo: () => set((s) => ({ history: redo(s.history) })),
  select: (selection) => set((s) => ({ selection: { ...s.selection, ...selection } })),
  drag: (positions, done) => {
    const { history, dragAnchor } = get();
    const anchor = dragAnchor ?? history.present;
    const moved = replace(history, moveNodes(history.present, positions));
    set(done ? { history: settle(moved, anchor), dragAnchor: undefined } : { history: moved, dragAnchor: anchor });
  },
  notify: (kind, message) => set({ notice: { kind, message, at: Date.now() } }),
  setServer: (server) => set({ server }),
}));

export const useDocument = () => useEditor((s) => s.history.present);
