"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import type { GraphSummary } from "../../gen/cyxwiz/v1/graph_service_pb";
import { loadDocument, serializeDocument } from "../../lib/editor/document";
import { MAX_CAPABILITIES } from "../../lib/wire/headers";
import { capabilityTokens } from "../api/capability-tokens";
import type { Api } from "../api/clients";
import { useEditor } from "./editor-store";

/** Graphs saved without signing in are reached with the token their first save was answered with. */
const graphTokens = (api: Api) => capabilityTokens("graph", api);

/**
 * Saves the document to the server: a new revision of the graph it came from, or a new graph.
 * A save that lost a race with another tab changes nothing and says so; the work stays here.
 */
export async function saveToServer(api: Api, asNew = false): Promise<void> {
  const { history, server, notify, setServer } = useEditor.getState();
  const doc = history.present;
  const document = serializeDocument(doc);
  try {
    const { graph, graphToken } = await (server && !asNew
      ? api.graphs.saveGraph({ graphId: server.id, expectedRevision: server.revision, document }, graphTokens(api).optionsFor([server.id]))
      : api.graphs.saveGraph({ document }));
    if (!graph) throw new Error("the server answered without the graph");
    if (graphToken) graphTokens(api).remember(graph.graphId, graphToken);
    setServer({ id: graph.graphId, revision: graph.revision, saved: doc });
    notify("info", `Saved "${graph.name}" to the server (revision ${graph.revision})${graph.valid ? "" : "; it still has problems to fix before it can train"}`);
  } catch (error) {
    const e = ConnectError.from(error);
    notify("error", e.code === Code.Aborted ? `Not saved: ${e.rawMessage}.` : `Not saved to the server: ${e.rawMessage}. Your work is kept in this browser, and "Save file" writes a copy.`);
  }
}

/** Opens a saved graph (its latest revision) in place of the current document. */
export async function openFromServer(api: Api, graphId: string): Promise<boolean> {
  const { load, notify } = useEditor.getState();
  try {
    const response = await api.graphs.getGraph({ graphId }, graphTokens(api).optionsFor([graphId]));
    const loaded = loadDocument(response.document);
    if (!loaded.ok) {
      notify("error", `That graph could not be opened: ${loaded.message}. Your current model is unchanged.`);
      return false;
    }
    load(loaded.document, { id: graphId, revision: response.revision, saved: loaded.document });
    notify("info", `Opened "${loaded.document.name}" (revision ${response.revision})`);
    return true;
  } catch (error) {
    notify("error", `Could not open the graph: ${ConnectError.from(error).rawMessage}`);
    return false;
  }
}

/** The graphs this browser holds the tokens of, newest first. */
export async function listFromServer(api: Api): Promise<GraphSummary[]> {
  return (await api.graphs.listGraphs({ pageSize: MAX_CAPABILITIES }, graphTokens(api).optionsForAll())).graphs;
}

/** Deletes a saved graph with its revisions; its token goes with it. */
export async function deleteFromServer(api: Api, graphId: string): Promise<void> {
  await api.graphs.deleteGraph({ graphId }, graphTokens(api).optionsFor([graphId]));
  graphTokens(api).forget(graphId);
}

const LINK_KEY = "cyxwiz.editor.server";

/** Remembers which server graph the autosaved document belongs to, and whether it was saved. */
export function persistServerLink(): void {
  const { server, history } = useEditor.getState();
  if (!server) localStorage.removeItem(LINK_KEY);
  else localStorage.setItem(LINK_KEY, JSON.stringify({ id: server.id, revision: server.revision, clean: server.saved === history.present }));
}

/** The link saved by persistServerLink, for the document restored with it. */
export function restoreServerLink(): { id: string; revision: number; clean: boolean } | undefined {
  try {
    const link = JSON.parse(localStorage.getItem(LINK_KEY) ?? "null") as { id?: unknown; revision?: unknown; clean?: unknown } | null;
    return link && typeof link.id === "string" && typeof link.revision === "number" ? { id: link.id, revision: link.revision, clean: link.clean === true } : undefined;
  } catch {
    return undefined;
  }
}
