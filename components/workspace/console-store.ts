"use client";

import { create } from "zustand";
import { useEditor } from "../editor/editor-store";

export type LogSource = "editor" | "training" | "job" | "script";
export type LogLevel = "log" | "info" | "warn" | "error" | "input" | "result";

export interface LogEntry {
  id: number;
  at: number;
  source: LogSource;
  level: LogLevel;
  text: string;
}

/** Enough for a long training run's epochs without growing without bound. */
const LIMIT = 2000;

interface ConsoleState {
  entries: LogEntry[];
  write(source: LogSource, level: LogLevel, text: string): void;
  clear(): void;
}

let nextId = 1;

/** Everything the workspace reports: training and job logs, editor notices, script output. */
export const useConsole = create<ConsoleState>()((set) => ({
  entries: [],
  write: (source, level, text) => set((s) => ({ entries: [...s.entries, { id: nextId++, at: Date.now(), source, level, text }].slice(-LIMIT) })),
  clear: () => set({ entries: [] }),
}));

export const writeLog = (source: LogSource, level: LogLevel, text: string) => useConsole.getState().write(source, level, text);

/** Keeps the editor's notices in the console (they pass as toasts); returns the way to stop. */
export const logEditorNotices = () =>
  useEditor.subscribe((state, previous) => {
    if (state.notice && state.notice !== previous.notice) writeLog("editor", state.notice.kind, state.notice.message);
  });
