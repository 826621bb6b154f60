import { JobStatus } from "../gen/cyxwiz/v1/job_pb";
import type { Connection } from "./model";

/**
 * Text safe to print on one terminal row: log lines and names come from nodes, and a line break
 * would tear the layout apart, an escape sequence reach the terminal itself.
 */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ");
}

/** Text on one line, cut or padded to exactly `width` columns; a cut is marked with an ellipsis. */
export function fit(text: string, width: number, align: "left" | "right" = "left"): string {
  if (width <= 0) return "";
  const flat = oneLine(text);
  if (flat.length > width) return width === 1 ? "…" : `${flat.slice(0, width - 1)}…`;
  return align === "left" ? flat.padEnd(width) : flat.padStart(width);
}

/** How long ago, in the largest unit that keeps it short: 4s, 12m, 3h, 2d. */
export function ago(thenMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** A span of seconds for people: 0.4 s, 12 s, 3m 20s, 2h 05m. */
export function duration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, "0")}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")}m`;
}

const EIGHTHS = " ▏▎▍▌▋▊▉";

/** A bar `width` cells wide filled to `fraction` in eighths of a cell, so slow jobs visibly move. */
export function progressBar(fraction: number, width: number): string {
  if (width <= 0) return "";
  const eighths = Math.round(Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0)) * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = eighths % 8;
  return ("█".repeat(full) + (partial ? EIGHTHS[partial] : "")).padEnd(width, "·");
}

export function percent(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

/** A number in about three significant digits, short enough for a table cell (loss 0.123, samples 1234). */
export function compactNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude === 0) return "0";
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  if (magnitude >= 0.01) return value.toFixed(3);
  return value.toPrecision(2);
}

const METRIC_ORDER = ["loss", "accuracy", "val_loss", "val_accuracy"];
const METRIC_NAMES: Record<string, string> = { accuracy: "acc", val_accuracy: "val_acc" };

/** A job's metrics on one line, the usual curves first under short names. */
export function metricsLine(metrics: Record<string, number>): string {
  const rank = (name: string) => (METRIC_ORDER.includes(name) ? METRIC_ORDER.indexOf(name) : METRIC_ORDER.length);
  return Object.entries(metrics)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([name, value]) => `${METRIC_NAMES[name] ?? name} ${compactNumber(value)}`)
    .join("  ");
}

/** Enough of a job id to tell jobs apart on screen. */
export const shortId = (id: string) => id.slice(0, 8);

/** Local wall-clock time of a log line. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

export const JOB_STATUS_COLORS: Record<JobStatus, string> = {
  [JobStatus.UNSPECIFIED]: "gray",
  [JobStatus.QUEUED]: "yellow",
  [JobStatus.ASSIGNED]: "cyan",
  [JobStatus.RUNNING]: "blue",
  [JobStatus.COMPLETED]: "green",
  [JobStatus.FAILED]: "red",
  [JobStatus.CANCELLED]: "gray",
  [JobStatus.AWAITING_PAYMENT]: "magenta",
  [JobStatus.EXPIRED]: "gray",
};

export const LOG_LEVEL_COLORS: Record<string, string> = { info: "white", warn: "yellow", error: "red" };

/** The status line's account of the connection, and the colour of its dot. */
export function connectionLine(connection: Connection, server: string, now: number): { color: string; text: string } {
  const fetched = connection.lastSuccessAt === undefined ? "" : `, showing data from ${ago(connection.lastSuccessAt, now)} ago`;
  switch (connection.state) {
    case "connecting":
      return { color: "yellow", text: `connecting to ${server}…` };
    case "online":
      return { color: "green", text: `${server} · updated ${ago(connection.lastSuccessAt ?? now, now)} ago` };
    case "offline": {
      const wait = Math.max(0, Math.ceil(((connection.retryAt ?? now) - now) / 1000));
      return { color: "red", text: `${server} unreachable (${connection.error}) · reconnecting in ${wait}s, attempt ${connection.failures + 1}${fetched}` };
    }
  }
}
