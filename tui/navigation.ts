import type { Key } from "ink";

export const PANES = ["overview", "nodes", "jobs", "logs"] as const;
export type Pane = (typeof PANES)[number];

/** Where the person is looking: which pane has the keys, what is selected, whose log is followed. */
export interface View {
  focus: Pane;
  /** Selections are ids, not row numbers, so that rows arriving or leaving do not move the cursor to another node or job. */
  selectedNodeId?: string;
  selectedJobId?: string;
  /** The job whose log the log pane shows alone; none: the logs of active and recent jobs. */
  followedJobId?: string;
  /** Lines scrolled back from the newest log line; 0 keeps the newest in view. */
  logScroll: number;
}

export const initialView: View = { focus: "jobs", logScroll: 0 };

/** What the keys act on, as on screen: the rows in their order and how many lines each pane shows. */
export interface KeyContext {
  nodeIds: readonly string[];
  jobIds: readonly string[];
  logLines: number;
  page: { nodes: number; jobs: number; logs: number };
}

export type KeyPress = Pick<Key, "tab" | "shift" | "upArrow" | "downArrow" | "pageUp" | "pageDown" | "home" | "end" | "return" | "escape">;

/** The selected row's index: the row with the selected id, or the first when that row is gone. */
export function selectedIndex(ids: readonly string[], selectedId: string | undefined): number {
  const index = selectedId === undefined ? -1 : ids.indexOf(selectedId);
  return Math.max(0, index);
}

export function onKey(view: View, input: string, key: KeyPress, ctx: KeyContext): View {
  if (key.tab) {
    const step = key.shift ? PANES.length - 1 : 1;
    return { ...view, focus: PANES[(PANES.indexOf(view.focus) + step) % PANES.length] as Pane };
  }
  if (/^[1-4]$/.test(input)) return { ...view, focus: PANES[Number(input) - 1] as Pane };
  if (key.escape) return { ...view, followedJobId: undefined, logScroll: 0 };
  if (key.return && view.focus === "jobs" && ctx.jobIds.length > 0) {
    return { ...view, followedJobId: ctx.jobIds[selectedIndex(ctx.jobIds, view.selectedJobId)], logScroll: 0 };
  }
  switch (view.focus) {
    case "nodes":
      return { ...view, selectedNodeId: moveSelection(ctx.nodeIds, view.selectedNodeId, key, ctx.page.nodes) };
    case "jobs":
      return { ...view, selectedJobId: moveSelection(ctx.jobIds, view.selectedJobId, key, ctx.page.jobs) };
    case "logs":
      return { ...view, logScroll: scrollLog(view.logScroll, key, ctx.logLines, ctx.page.logs) };
    default:
      return view;
  }
}

/** How far a key moves: a row, a page, or to either end; 0 for keys that do not move. */
function movement(key: KeyPress, page: number, length: number): number {
  if (key.upArrow) return -1;
  if (key.downArrow) return 1;
  if (key.pageUp) return -Math.max(1, page);
  if (key.pageDown) return Math.max(1, page);
  if (key.home) return -length;
  if (key.end) return length;
  return 0;
}

function moveSelection(ids: readonly string[], selectedId: string | undefined, key: KeyPress, page: number): string | undefined {
  const delta = movement(key, page, ids.length);
  if (ids.length === 0 || delta === 0) return selectedId;
  const index = Math.min(ids.length - 1, Math.max(0, selectedIndex(ids, selectedId) + delta));
  return ids[index];
}

/** Scrolling back is counted from the bottom: up goes back in time, End returns to the newest line. */
function scrollLog(scroll: number, key: KeyPress, lines: number, page: number): number {
  const furthest = Math.max(0, lines - page);
  return Math.min(furthest, Math.max(0, scroll - movement(key, page, lines)));
}
