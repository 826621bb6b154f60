/** Overview: four lines inside a border whose top edge carries the title. */
export const OVERVIEW_HEIGHT = 6;
/** A table's title edge, header line and bottom edge. */
const TABLE_CHROME = 3;
/** The logs' title edge and bottom edge. */
const LOG_CHROME = 2;
const MIN_LOG_LINES = 2;

export interface PaneHeights {
  overview: number;
  nodes: number;
  jobs: number;
  logs: number;
}

/**
 * Splits the terminal's rows between the panes and the status line. The tables take what their
 * rows need up to a share of the screen (nodes 30 %, jobs 40 %), and the log gets everything
 * else. One row stays free: Ink redraws the whole screen, flickering, once a frame fills it.
 */
export function paneHeights(rows: number, counts: { nodes: number; jobs: number }): PaneHeights {
  const rest = Math.max(0, rows - 1 - 1 - OVERVIEW_HEIGHT);
  const table = (count: number, share: number) => clamp(TABLE_CHROME + Math.max(1, count), TABLE_CHROME + 1, Math.floor(rest * share));
  const nodes = table(counts.nodes, 0.3);
  const jobs = table(counts.jobs, 0.4);
  return { overview: OVERVIEW_HEIGHT, nodes, jobs, logs: Math.max(LOG_CHROME + MIN_LOG_LINES, rest - nodes - jobs) };
}

export const tableRowsFitting = (height: number) => Math.max(0, height - TABLE_CHROME);
export const logLinesFitting = (height: number) => Math.max(0, height - LOG_CHROME);

/** A pane's top edge with its title set into it: "╭─ 2 Nodes ───╮", exactly `width` wide. */
export function titleEdge(title: string, width: number): string {
  if (width < 2) return "─".repeat(Math.max(0, width));
  const inner = width - 2;
  const label = `─ ${title} `;
  const shown = label.length > inner ? `${label.slice(0, Math.max(0, inner - 1))}…`.slice(0, inner) : label;
  return `╭${shown}${"─".repeat(inner - shown.length)}╮`;
}

export type ColumnWidth = number | { flex: number; min: number };

/**
 * Column widths for a table `total` columns wide with one space between columns: fixed columns
 * keep their width, flexible ones share what is left by weight (never below their minimum; a row
 * that then overflows is cut at the pane's edge).
 */
export function columnWidths(specs: readonly ColumnWidth[], total: number): number[] {
  const gaps = Math.max(0, specs.length - 1);
  const fixed = specs.reduce<number>((sum, s) => sum + (typeof s === "number" ? s : 0), 0);
  const weights = specs.reduce<number>((sum, s) => sum + (typeof s === "number" ? 0 : s.flex), 0);
  const free = Math.max(0, total - fixed - gaps);
  const widths = specs.map((s) => (typeof s === "number" ? s : Math.max(s.min, Math.floor((free * s.flex) / weights))));
  // Rounding down leaves a few columns over: the first flexible column takes them.
  const first = specs.findIndex((s) => typeof s !== "number");
  const used = widths.reduce((a, b) => a + b, 0) + gaps;
  if (first >= 0 && used < total) widths[first] = (widths[first] ?? 0) + total - used;
  return widths;
}

/** The first of `visible` rows to show so that the selected row is in view, near the middle when the list scrolls. */
export function scrollStart(selected: number, count: number, visible: number): number {
  if (visible <= 0 || count <= visible) return 0;
  return clamp(selected - Math.floor(visible / 2), 0, count - visible);
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}
