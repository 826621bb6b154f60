"use client";

import { useReactFlow } from "@xyflow/react";
import { useEffect, useState, type ReactNode } from "react";
import { rename } from "../../lib/editor/commands";
import { emptyDocument, fromExecutionGraph, loadDocument, serializeDocument, type EditorDocument } from "../../lib/editor/document";
import { autoLayout } from "../../lib/editor/layout";
import { templates } from "../../lib/graph/templates";
import { useApi } from "../api/server-url";
import { useDocument, useEditor } from "./editor-store";
import { downloadText, pickTextFile } from "./files";
import { OpenDialog } from "./open-dialog";
import { saveToServer } from "./server-graphs";
import { deleteSelection, groupSelection, layoutAll } from "./use-shortcuts";

/** A template as an editor document, laid out. */
export function templateDocument(id: string): EditorDocument | undefined {
  const template = templates.find((t) => t.id === id);
  if (!template) return undefined;
  const doc = fromExecutionGraph(template.graph);
  return { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: autoLayout(doc)[n.id] ?? n.position })) };
}

function saveToFile(doc: EditorDocument): void {
  downloadText(`${doc.name.replace(/[^A-Za-z0-9]+/g, "_").toLowerCase() || "model"}.cyxwiz.json`, serializeDocument(doc));
}

/** File, history and layout actions and the model's name; `children` (the host's own controls) end it. */
export function Toolbar({ children }: { children?: ReactNode }) {
  const doc = useDocument();
  const canUndo = useEditor((s) => s.history.past.length > 0);
  const canRedo = useEditor((s) => s.history.future.length > 0);
  const server = useEditor((s) => s.server);
  const api = useApi();
  const [opening, setOpening] = useState(false);
  const flow = useReactFlow();
  const [name, setName] = useState(doc.name);
  useEffect(() => setName(doc.name), [doc.name]);
  const { load, apply, undo, redo, notify } = useEditor.getState();

  const open = async () => {
    const file = await pickTextFile();
    if (!file) return;
    const result = loadDocument(file.text);
    if (!result.ok) {
      notify("error", `${file.name} was not opened: ${result.message}. Your current model is unchanged.`);
      return;
    }
    load(result.document);
    notify("info", `Opened ${file.name}`);
  };

  return (
    <div className="toolbar" role="toolbar" aria-label="Editor">
      <input
        className="doc-name"
        aria-label="Model name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        onBlur={() => name !== doc.name && apply((d) => rename(d, name))}
        onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()}
      />
      <button type="button" className="button small" onClick={() => load(emptyDocument())}>
        New
      </button>
      <select
        aria-label="Start from a template"
        className="button small"
        value=""
        onChange={(e) => {
          const next = templateDocument(e.target.value);
          if (next) load(next);
        }}
        data-testid="template-menu"
      >
        <option value="">Templates…</option>
        {templates.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <button type="button" className="button small" onClick={() => setOpening(true)}>
        Open saved…
      </button>
      <button type="button" className="button small" onClick={() => void saveToServer(api)} title="Ctrl+S">
        Save
      </button>
      {server && (
        <button type="button" className="button small" onClick={() => void saveToServer(api, true)}>
          Save as new
        </button>
      )}
      <span className="muted small" data-testid="save-state">
        {server ? (server.saved === doc ? `saved · rev ${server.revision}` : "unsaved changes") : "not saved to the server"}
      </span>
      <span className="sep" />
      <button type="button" className="button small" onClick={() => void open()}>
        Open…
      </button>
      <button type="button" className="button small" onClick={() => saveToFile(doc)}>
        Save file
      </button>
      <span className="sep" />
      <button type="button" className="button small" onClick={undo} disabled={!canUndo} title="Ctrl+Z" aria-label="Undo">
        ↶ Undo
      </button>
      <button type="button" className="button small" onClick={redo} disabled={!canRedo} title="Ctrl+Shift+Z" aria-label="Redo">
        ↷ Redo
      </button>
      <button type="button" className="button small" onClick={deleteSelection} title="Delete">
        Delete
      </button>
      <button type="button" className="button small" onClick={groupSelection} title="Ctrl+G (Ctrl+Shift+G ungroups)">
        Group
      </button>
      <button
        type="button"
        className="button small"
        onClick={() => {
          layoutAll();
          setTimeout(() => void flow.fitView({ duration: 300, maxZoom: 1.2 }), 0);
        }}
        title="L"
      >
        Auto-layout
      </button>
      <button type="button" className="button small" onClick={() => void flow.fitView({ duration: 300, maxZoom: 1.2 })} title="F">
        Fit
      </button>
      <span className="spacer" />
      {children}
      {opening && <OpenDialog onClose={() => setOpening(false)} />}
    </div>
  );
}
