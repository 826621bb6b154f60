/// <reference lib="webworker" />
// The sandbox for console input and scripts: a dedicated worker with no DOM, no access to the
// editor's state or storage, and a page that ends it when a run exceeds its time limit.
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { generateCode } from "../../lib/codegen";
import { analyzeGraph } from "../../lib/graph/analyze";
import { nodeRegistry } from "../../lib/graph/registry";
import { templates } from "../../lib/graph/templates";
import type { ModelGraph } from "../../lib/graph/types";
import { evaluate, formatValue } from "../../lib/script/evaluate";
import { tf } from "../../lib/train/runtime-tf";
import { createApi } from "../api/clients";
import type { ScriptRequest, ScriptResponse } from "./script-protocol";

declare const self: DedicatedWorkerGlobalScope;

setWasmPaths("/tfjs/");
// Scripts use tf straight away: the backend (wasm here, the fastest that loads) is ready before the first run.
const ready = tf.ready();
const reply = (message: ScriptResponse) => self.postMessage(message);
let current = 0;

const state: { graph?: ModelGraph; api?: ReturnType<typeof createApi> } = {};
const graphOrCurrent = (graph: ModelGraph | undefined) => {
  if (!graph && !state.graph) throw new Error("no graph: pass one, or open a model in the editor");
  return (graph ?? state.graph) as ModelGraph;
};

/** The project's API as scripts see it (documented in docs/ENGINE.md). */
const cyxwiz = {
  /** The model open in the editor, as the execution graph the server would receive. */
  get graph() {
    return state.graph;
  },
  /** Connect clients for the central server (jobs, graphs) and GET on its REST routes. */
  get api() {
    return state.api;
  },
  analyze: (graph?: ModelGraph) => {
    const { ok, totalParams, totalFlops, issues } = analyzeGraph(graphOrCurrent(graph));
    return { ok, totalParams, totalFlops, issues: issues.map((i) => i.message) };
  },
  layers: () => [...nodeRegistry.values()].map((d) => ({ type: d.type, category: d.category, description: d.description })),
  templates: () => templates.map((t) => ({ id: t.id, name: t.name, dataset: t.dataset, graph: t.graph })),
  codegen: (target: "pytorch" | "keras" | "tfjs", graph?: ModelGraph) => generateCode(graphOrCurrent(graph), target),
};

Object.assign(self, { tf, cyxwiz });
for (const level of ["log", "info", "warn", "error"] as const) {
  console[level] = (...args: unknown[]) => reply({ kind: "log", id: current, level, text: args.map((a) => formatValue(a)).join(" ") });
}

self.onmessage = async (event: MessageEvent<ScriptRequest>) => {
  const { id, code, graph, serverUrl } = event.data;
  current = id;
  state.graph = graph;
  state.api ??= createApi(serverUrl);
  try {
    await ready;
    const value = await evaluate(code);
    reply({ kind: "done", id, value: formatValue(value) });
  } catch (error) {
    reply({ kind: "failed", id, error: error instanceof Error ? `${error.name}: ${error.message}` : formatValue(error) });
  }
};
