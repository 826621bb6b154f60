import { parseArgs } from "node:util";

export const DEFAULT_SERVER = "http://localhost:8080";
export const DEFAULT_INTERVAL_MS = 2000;

export const HELP = `npm run tui -- [--server URL] [--interval SECONDS]

The CyxWiz network live in the terminal: overview with sparklines, nodes, jobs and their logs.

  --server URL        the server's REST address (default $CYXWIZ_HTTP_URL, then $CYXWIZ_SERVER_URL,
                      then ${DEFAULT_SERVER}; the RPC port 50051 serves the same REST API)
  --interval SECONDS  how often to poll (default ${DEFAULT_INTERVAL_MS / 1000})

Jobs are private to their owners: the jobs pane shows the public ones, and with $CYXWIZ_API_KEY
set (an API key, cwk_…) that key's user's own as well.

Keys: Tab / Shift+Tab or 1-4 focus a pane, ↑ ↓ PgUp PgDn Home End move, Enter follows the
selected job's log, Esc goes back to the logs of active jobs, q or Ctrl+C quits.`;

export interface TuiOptions {
  server: string;
  intervalMs: number;
}

export class UsageError extends Error {}

/** Command line and environment → options; "help" when asked for it. Throws UsageError on bad input. */
export function parseTuiOptions(argv: string[], env: Record<string, string | undefined>): TuiOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { server: { type: "string" }, interval: { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help";
  const server = values.server ?? env.CYXWIZ_HTTP_URL ?? env.CYXWIZ_SERVER_URL ?? DEFAULT_SERVER;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server must be an http(s) URL, not "${server}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--server must be an http(s) URL, not "${server}"`);
  const seconds = values.interval === undefined ? DEFAULT_INTERVAL_MS / 1000 : Number(values.interval);
  // Below a quarter second the dashboard would mostly measure its own load on the database.
  if (!Number.isFinite(seconds) || seconds < 0.25 || seconds > 600) throw new UsageError("--interval must be a number of seconds from 0.25 to 600");
  return { server: server.replace(/\/+$/, ""), intervalMs: Math.round(seconds * 1000) };
}
