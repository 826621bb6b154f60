import type { CallOptions } from "@connectrpc/connect";
import { GRAPH_TOKEN_HEADER, JOB_TOKEN_HEADER, MAX_CAPABILITIES } from "../../lib/wire/headers";
import type { Api } from "./clients";

/**
 * The capability tokens this browser holds for one server, by the id of what each opens. The
 * server answers a token once, when something is made without signing in (a saved graph, a
 * submitted job), so it is kept here (oldest first), and a call on a thing sends that thing's
 * token. Each server's apart, so no server sees another's tokens.
 */
export interface CapabilityTokens {
  /** Every token held, by id. */
  saved(): Record<string, string>;
  remember(id: string, token: string): void;
  forget(id: string): void;
  /** Call options that send the tokens of these ids, the newest the server takes in one request; none when none is held. */
  optionsFor(ids: string[]): CallOptions;
  /** optionsFor every id held: for listing what this browser made. */
  optionsForAll(): CallOptions;
  /** The same tokens as plain request headers, for fetch. */
  headersFor(ids: string[]): Record<string, string>;
}

// The graph tokens' key predates the job tokens: browsers already hold tokens under it.
const STORAGE = { graph: { key: "cyxwiz.editor.graph-tokens", header: GRAPH_TOKEN_HEADER }, job: { key: "cyxwiz.job-tokens", header: JOB_TOKEN_HEADER } } as const;

export function capabilityTokens(kind: keyof typeof STORAGE, api: Pick<Api, "serverUrl">): CapabilityTokens {
  const key = `${STORAGE[kind].key} ${api.serverUrl}`;
  const saved = (): Record<string, string> => {
    try {
      const tokens = JSON.parse(localStorage.getItem(key) ?? "{}") as unknown;
      return tokens && typeof tokens === "object" ? Object.fromEntries(Object.entries(tokens).filter((entry): entry is [string, string] => typeof entry[1] === "string")) : {};
    } catch {
      return {};
    }
  };
  return {
    saved,
    remember: (id, token) => localStorage.setItem(key, JSON.stringify({ ...saved(), [id]: token })),
    forget(id) {
      const tokens = saved();
      delete tokens[id];
      localStorage.setItem(key, JSON.stringify(tokens));
    },
    optionsFor(ids) {
      const headers = this.headersFor(ids);
      return Object.keys(headers).length > 0 ? { headers } : {};
    },
    optionsForAll() {
      return this.optionsFor(Object.keys(saved()));
    },
    headersFor(ids) {
      const tokens = saved();
      const held = ids.flatMap((id) => tokens[id] ?? []).slice(-MAX_CAPABILITIES);
      return held.length > 0 ? { [STORAGE[kind].header]: held.join(",") } : {};
    },
  };
}
