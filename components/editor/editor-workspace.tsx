"use client";

import { ReactFlowProvider } from "@xyflow/react";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { emptyDocument, loadDocument, serializeDocument } from "../../lib/editor/document";
import { useApi } from "../api/server-url";
import { Canvas } from "./canvas";
import { CodePanel } from "./code-panel";
import { useDocument, useEditor } from "./editor-store";
import { Palette } from "./palette";
import { ProblemsPanel } from "./problems-panel";
import { PropertiesPanel } from "./properties-panel";
import { persistServerLink, restoreServerLink, saveToServer } from "./server-graphs";
import { templateDocument, Toolbar } from "./toolbar";
import { TrainPanel } from "./train-panel";
import { useAnalysis } from "./use-analysis";
import { useDatasets } from "../api/use-datasets";
import { useShortcuts } from "./use-shortcuts";
import "./editor.css";

const AUTOSAVE_KEY = "cyxwiz.editor.autosave";
const TABS = ["Problems", "Code", "Train"] as const;

/** The node editor workspace: palette, canvas, properties, and problems/code/training below. */
export function EditorWorkspace() {
  return (
    <ReactFlowProvider>
      <Workspace />
    </ReactFlowProvider>
  );
}

function Workspace() {
  const doc = useDocument();
  const catalog = useDatasets();
  const analysis = useAnalysis(doc, catalog.datasets);
  const suggestions = useMemo(() => ({ datasets: (catalog.datasets ?? []).map((d) => d.name) }), [catalog.datasets]);
  const notice = useEditor((s) => s.notice);
  const server = useEditor((s) => s.server);
  const searchRef = useRef<HTMLInputElement>(null);
  const [tab, setTab] = useState<(typeof TABS)[number]>("Problems");
  const [restored, setRestored] = useState(false);

  const requested = useSearchParams().get("template");
  useEffect(() => {
    // A template asked for in the address wins; otherwise the last session's work comes back.
    const saved = localStorage.getItem(AUTOSAVE_KEY);
    const result = saved ? loadDocument(saved) : undefined;
    const template = requested ? templateDocument(requested) : undefined;
    const link = restoreServerLink();
    if (!template && result?.ok) {
      // The autosaved document keeps its link to the server graph, and whether it had unsaved changes.
      useEditor.getState().load(result.document, link && { id: link.id, revision: link.revision, saved: link.clean ? result.document : emptyDocument() });
    } else {
      useEditor.getState().load(template ?? templateDocument("mlp-digits") ?? doc);
    }
    setRestored(true);
  }, []);

  useEffect(() => {
    if (!restored) return;
    const save = () => {
      localStorage.setItem(AUTOSAVE_KEY, serializeDocument(useEditor.getState().history.present));
      persistServerLink();
    };
    const timer = setTimeout(save, 400);
    // A reload or a closed tab within the debounce must not lose the last change.
    window.addEventListener("pagehide", save);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("pagehide", save);
    };
  }, [doc, server, restored]);

  const api = useApi();
  const save = useCallback(() => void saveToServer(api), [api]);
  useShortcuts(searchRef, save);

  const problems = analysis.analysis.issues.length;
  return (
    <div className="workspace">
      <Toolbar />
      <Palette searchRef={searchRef} />
      {restored && <Canvas analysis={analysis} />}
      <PropertiesPanel analysis={analysis} suggestions={suggestions} />
      <section className="bottom-panel" aria-label="Problems, code and training">
        <div className="row" role="tablist">
          {TABS.map((t) => (
            <button key={t} type="button" role="tab" aria-selected={t === tab} className={`tab${t === tab ? " active" : ""}`} onClick={() => setTab(t)} data-testid={`tab-${t.toLowerCase()}`}>
              {t}
              {t === "Problems" && problems > 0 ? ` (${problems})` : ""}
            </button>
          ))}
          <span className="spacer" />
          <span className="muted small">
            {analysis.analysis.totalParams.toLocaleString("en-US")} params · {problems === 0 ? "ready" : `${problems} problem${problems > 1 ? "s" : ""}`}
          </span>
        </div>
        <div className="tab-body" role="tabpanel">
          {tab === "Problems" && <ProblemsPanel analysis={analysis} />}
          {tab === "Code" && <CodePanel analysis={analysis} />}
          <div hidden={tab !== "Train"}>
            <TrainPanel analysis={analysis} catalog={catalog} />
          </div>
        </div>
      </section>
      {notice && <Toast key={notice.at} kind={notice.kind} message={notice.message} />}
    </div>
  );
}

function Toast({ kind, message }: { kind: "info" | "error"; message: string }) {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    const timer = setTimeout(() => setVisible(false), 6000);
    return () => clearTimeout(timer);
  }, []);
  if (!visible) return null;
  return (
    <div className={`toast ${kind}`} role={kind === "error" ? "alert" : "status"} data-testid="toast">
      {message}
    </div>
  );
}
