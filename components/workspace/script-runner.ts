"use client";

import { toExecutionGraph } from "../../lib/editor/document";
import type { ModelGraph } from "../../lib/graph/types";
import { useEditor } from "../editor/editor-store";
import { writeLog } from "./console-store";
import type { ScriptRequest, ScriptResponse } from "./script-protocol";

export const DEFAULT_TIMEOUT_MS = 10_000;

export type ScriptOutcome = { ok: true; value: string } | { ok: false; error: string; timedOut?: boolean };

/**
 * Runs console input and scripts in the sandboxed script worker, one at a time. A run that
 * outlives its time limit ends the worker (the only way to stop a loop that never yields); the
 * next run starts a fresh one, so variables from earlier runs are gone after a timeout.
 */
export class ScriptRunner {
  private worker?: Worker;
  private nextId = 1;
  private active?: { id: number; finish: (outcome: ScriptOutcome) => void; timer: ReturnType<typeof setTimeout> };

  get busy(): boolean {
    return this.active !== undefined;
  }

  run(code: string, context: { graph: ModelGraph; serverUrl: string; timeoutMs?: number }): Promise<ScriptOutcome> {
    if (this.active) return Promise.resolve({ ok: false, error: "another script is still running: stop it first" });
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const timeoutMs = context.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.reset();
        finish({ ok: false, timedOut: true, error: `stopped after ${timeoutMs / 1000} s: the script did not finish (an endless loop?). Its variables are gone.` });
      }, timeoutMs);
      const finish = (outcome: ScriptOutcome) => {
        clearTimeout(timer);
        this.active = undefined;
        resolve(outcome);
      };
      this.active = { id, finish, timer };
      const request: ScriptRequest = { kind: "run", id, code, graph: context.graph, serverUrl: context.serverUrl };
      worker.postMessage(request);
    });
  }

  /** Stops the running script now (the Stop button). */
  stop(): void {
    const active = this.active;
    if (!active) return;
    this.reset();
    active.finish({ ok: false, error: "stopped. Variables from earlier runs are gone." });
  }

  dispose(): void {
    this.stop();
    this.reset();
  }

  private reset(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./script-worker.ts", import.meta.url), { type: "module", name: "cyxwiz-scripts" });
    worker.onmessage = (event: MessageEvent<ScriptResponse>) => {
      const message = event.data;
      if (message.kind === "log") return writeLog("script", message.level, message.text);
      if (message.id !== this.active?.id) return;
      this.active.finish(message.kind === "done" ? { ok: true, value: message.value } : { ok: false, error: message.error });
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.reset();
      this.active?.finish({ ok: false, error: `the script worker crashed: ${event.message}` });
    };
    this.worker = worker;
    return worker;
  }
}

/** One runner for the workspace: the console and the Script Editor share the sandbox and its variables. */
export const scriptRunner = typeof window === "undefined" ? undefined : new ScriptRunner();

/** Runs code in the sandbox with the open model, writing its result or error to the console. */
export async function runInSandbox(code: string, serverUrl: string, timeoutMs?: number): Promise<boolean> {
  if (!scriptRunner) return false;
  const outcome = await scriptRunner.run(code, { graph: toExecutionGraph(useEditor.getState().history.present), serverUrl, timeoutMs });
  if (outcome.ok) writeLog("script", "result", outcome.value);
  else writeLog("script", "error", outcome.error);
  return outcome.ok;
}
