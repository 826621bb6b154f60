"use client";

import { ReactFlowProvider } from "@xyflow/react";
import { DockviewReact, themeAbyss, themeLight, type DockviewApi, type DockviewReadyEvent, type IDockviewPanelProps } from "dockview-react";
import "dockview-react/dist/styles/dockview.css";
import { useSearchParams } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useEffectEvent, useMemo, useRef, useState, type FunctionComponent } from "react";
import { emptyDocument, loadDocument, serializeDocument } from "../../lib/editor/document";
import { useApi } from "../api/server-url";
import { useDatasets, type DatasetCatalog } from "../api/use-datasets";
import { Canvas } from "../editor/canvas";
import { CodePanel } from "../editor/code-panel";
import { useDocument, useEditor } from "../editor/editor-store";
import { Palette } from "../editor/palette";
import { ProblemsPanel } from "../editor/problems-panel";
import { PropertiesPanel } from "../editor/properties-panel";
import { persistServerLink, restoreServerLink, saveToServer } from "../editor/server-graphs";
import { templateDocument, Toolbar } from "../editor/toolbar";
import { useAnalysis, type DocumentAnalysis } from "../editor/use-analysis";
import { useShortcuts } from "../editor/use-shortcuts";
import "../editor/editor.css";
import { AssetsPanel } from "./assets-panel";
import { ConsolePanel } from "./console-panel";
import { logEditorNotices } from "./console-store";
import { DashboardPanel } from "./dashboard-panel";
import { DatasetPanel } from "./dataset-panel";
import { defaultLayout, PANELS, restoreLayout, saveLayout, showPanel, type PanelId } from "./layout";
import { ScriptPanel } from "./script-panel";
import { ToolsPanel } from "./tools-panel";
import { TrainPanel } from "./train-panel";
import { ViewportPanel } from "./viewport-panel";

const AUTOSAVE_KEY = "cyxwiz.editor.autosave";

/** What every panel may need, shared through context because dockview renders panels in its own tree. */
interface WorkspaceData {
  analysis: DocumentAnalysis;
  catalog: DatasetCatalog;
  suggestions: Record<string, string[]>;
  searchRef: React.RefObject<HTMLInputElement | null>;
}

const WorkspaceContext = createContext<WorkspaceData | undefined>(undefined);
const useWorkspace = () => useContext(WorkspaceContext) as WorkspaceData;

const panel = (render: (data: WorkspaceData) => React.ReactNode): FunctionComponent<IDockviewPanelProps> =>
  function Panel() {
    return <div className="panel-body">{render(useWorkspace())}</div>;
  };

/** A heavy panel (Monaco) mounts the first time it is shown, so that the editor's first load stays light. */
const lazyPanel = (render: (data: WorkspaceData) => React.ReactNode): FunctionComponent<IDockviewPanelProps> =>
  function LazyPanel({ api }) {
    const [shown, setShown] = useState(api.isVisible);
    useEffect(() => {
      if (shown) return;
      const listener = api.onDidVisibilityChange((event) => event.isVisible && setShown(true));
      return () => listener.dispose();
    }, [api, shown]);
    const data = useWorkspace();
    return <div className="panel-body">{shown && render(data)}</div>;
  };

const COMPONENTS: Record<PanelId, FunctionComponent<IDockviewPanelProps>> = {
  editor: panel(({ analysis }) => <Canvas analysis={analysis} />),
  script: lazyPanel(() => <ScriptPanel />),
  viewport: panel(({ analysis }) => <ViewportPanel analysis={analysis} />),
  palette: panel(({ searchRef }) => <Palette searchRef={searchRef} />),
  assets: panel(({ catalog }) => <AssetsPanel catalog={catalog} />),
  properties: panel(({ analysis, suggestions }) => <PropertiesPanel analysis={analysis} suggestions={suggestions} />),
  datasets: panel(({ catalog }) => <DatasetPanel catalog={catalog} />),
  problems: panel(({ analysis }) => <ProblemsPanel analysis={analysis} />),
  code: panel(({ analysis }) => <CodePanel analysis={analysis} />),
  train: panel(({ analysis, catalog }) => <TrainPanel analysis={analysis} catalog={catalog} />),
  dashboard: panel(() => <DashboardPanel />),
  tools: panel(() => <ToolsPanel />),
  console: panel(() => <ConsolePanel />),
};

/** The Engine's workspace: a toolbar over dockable panels around the node editor. */
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
  const [restored, setRestored] = useState(false);
  const [dock, setDock] = useState<DockviewApi>();

  useEffect(logEditorNotices, []);

  const requested = useSearchParams().get("template");
  // Once, when the workspace opens: a template asked for in the address wins; otherwise the last
  // session's work comes back.
  const restore = useEffectEvent(() => {
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
  });
  useEffect(() => restore(), []);

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

  const onReady = useCallback((event: DockviewReadyEvent) => {
    restoreLayout(event.api);
    event.api.onDidLayoutChange(() => saveLayout(event.api));
    setDock(event.api);
  }, []);

  // The Problems tab carries the count, so that it shows from behind other tabs.
  const problems = analysis.analysis.issues.length;
  useEffect(() => dock?.getPanel("problems")?.api.setTitle(problems > 0 ? `Problems (${problems})` : "Problems"), [dock, problems]);

  const api = useApi();
  const save = useCallback(() => void saveToServer(api), [api]);
  useShortcuts(searchRef, save);

  const data = useMemo(() => ({ analysis, catalog, suggestions, searchRef }), [analysis, catalog, suggestions]);
  const dark = usePrefersDark();
  return (
    <div className="workspace">
      <Toolbar>
        <PanelsMenu dock={dock} />
      </Toolbar>
      <WorkspaceContext.Provider value={data}>
        <div className="dock">{restored && <DockviewReact components={COMPONENTS} onReady={onReady} theme={dark ? themeAbyss : themeLight} />}</div>
      </WorkspaceContext.Provider>
      {notice && <Toast key={notice.at} kind={notice.kind} message={notice.message} />}
    </div>
  );
}

/** Reopens a closed panel where it belongs, or puts every panel back in its default place. */
function PanelsMenu({ dock }: { dock?: DockviewApi }) {
  return (
    <select
      aria-label="Show a panel"
      className="button small"
      value=""
      disabled={!dock}
      onChange={(e) => {
        if (!dock) return;
        if (e.target.value === "reset") defaultLayout(dock);
        else showPanel(dock, e.target.value as PanelId);
      }}
    >
      <option value="">Panels…</option>
      {PANELS.map((p) => (
        <option key={p.id} value={p.id}>
          {p.title}
        </option>
      ))}
      <option value="reset">Reset the layout</option>
    </select>
  );
}

/** Follows the system colour scheme, as the rest of the app's styles do. */
function usePrefersDark(): boolean {
  const [dark, setDark] = useState(true);
  useEffect(() => {
    const query = window.matchMedia("(prefers-color-scheme: dark)");
    setDark(query.matches);
    const onChange = (event: MediaQueryListEvent) => setDark(event.matches);
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, []);
  return dark;
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
