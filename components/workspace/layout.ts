"use client";

import type { AddPanelOptions, DockviewApi, SerializedDockview } from "dockview-react";

/**
 * The workspace's panels and where each goes by default. Dockview keeps the live arrangement;
 * it is saved in this browser (there are no user accounts yet) and restored on the next visit.
 */
export const PANELS = [
  { id: "editor", title: "Node Editor", place: undefined },
  { id: "script", title: "Script Editor", place: { near: "editor", direction: "within" } },
  { id: "viewport", title: "Viewport", place: { near: "editor", direction: "within" } },
  { id: "palette", title: "Layers", place: { near: "editor", direction: "left", size: 240 } },
  { id: "assets", title: "Assets", place: { near: "palette", direction: "within" } },
  { id: "properties", title: "Properties", place: { near: "editor", direction: "right", size: 320 } },
  { id: "datasets", title: "Datasets", place: { near: "properties", direction: "within" } },
  { id: "problems", title: "Problems", place: { near: "editor", direction: "below", size: 260 } },
  { id: "code", title: "Code", place: { near: "problems", direction: "within" } },
  { id: "train", title: "Train", place: { near: "problems", direction: "within" } },
  { id: "dashboard", title: "Dashboard", place: { near: "problems", direction: "within" } },
  { id: "tools", title: "Tools", place: { near: "problems", direction: "within" } },
  { id: "console", title: "Console", place: { near: "problems", direction: "within" } },
] as const;

export type PanelId = (typeof PANELS)[number]["id"];

const LAYOUT_KEY = "cyxwiz.workspace.layout";

function options(panel: (typeof PANELS)[number], api: DockviewApi): AddPanelOptions {
  const base = { id: panel.id, component: panel.id, title: panel.title, renderer: "always" as const };
  const place = panel.place;
  if (!place) return base;
  // A panel whose neighbour was closed joins the editor's group instead.
  const near = api.getPanel(place.near) ? place.near : "editor";
  const size = "size" in place ? (place.direction === "below" ? { initialHeight: place.size } : { initialWidth: place.size }) : {};
  return { ...base, ...size, position: { referencePanel: near, direction: place.direction }, inactive: place.direction === "within" };
}

export function defaultLayout(api: DockviewApi): void {
  api.clear();
  for (const panel of PANELS) api.addPanel(options(panel, api));
}

/** Shows a panel, reopening it where it belongs if it was closed. */
export function showPanel(api: DockviewApi, id: PanelId): void {
  const open = api.getPanel(id);
  if (open) return open.api.setActive();
  const panel = PANELS.find((p) => p.id === id);
  if (panel) api.addPanel({ ...options(panel, api), inactive: false });
}

/** Restores the saved arrangement, or the default one when there is none or it no longer fits. */
export function restoreLayout(api: DockviewApi): void {
  const saved = localStorage.getItem(LAYOUT_KEY);
  if (saved) {
    try {
      api.fromJSON(JSON.parse(saved) as SerializedDockview);
      if (api.getPanel("editor")) return;
    } catch {
      // A layout from an older Engine: start again from the default.
    }
  }
  defaultLayout(api);
}

export function saveLayout(api: DockviewApi): void {
  localStorage.setItem(LAYOUT_KEY, JSON.stringify(api.toJSON()));
}
