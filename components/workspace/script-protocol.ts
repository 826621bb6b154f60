import type { ModelGraph } from "../../lib/graph/types";

/** The page asks the script worker to run code; the worker answers with console lines and one result. */
export type ScriptRequest = { kind: "run"; id: number; code: string; graph: ModelGraph; serverUrl: string };

export type ScriptResponse =
  { kind: "log"; id: number; level: "log" | "info" | "warn" | "error"; text: string } | { kind: "done"; id: number; value: string } | { kind: "failed"; id: number; error: string };
