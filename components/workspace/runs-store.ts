"use client";

import { create } from "zustand";
import type { Predictions } from "../../lib/train/train-loop";

/** One report of a run: the fractional epoch and every metric (loss, accuracy, val_*, lr, samples_per_s). */
export interface RunPoint {
  step: number;
  values: Record<string, number>;
}

export interface Run {
  id: string;
  name: string;
  source: "local" | "job";
  startedAt: number;
  status: "running" | "done" | "failed" | "stopped";
  points: RunPoint[];
  /** A classifier's held-out predictions (local runs), for the Tools panel; not kept across reloads. */
  predictions?: Predictions;
  classNames?: string[];
  note?: string;
}

const STORAGE_KEY = "cyxwiz.workspace.runs";
/** Runs kept for comparison; older ones drop off. */
const KEEP = 20;

interface RunsState {
  runs: Run[];
  restore(): void;
  start(run: Pick<Run, "id" | "name" | "source">): void;
  append(id: string, points: RunPoint[]): void;
  finish(id: string, status: Run["status"], extra?: Pick<Run, "predictions" | "classNames" | "note">): void;
  remove(id: string): void;
}

function persist(runs: Run[]): void {
  // Predictions can be large: the curves are what is worth keeping.
  localStorage.setItem(STORAGE_KEY, JSON.stringify(runs.filter((r) => r.status !== "running").map(({ predictions: _, ...rest }) => rest)));
}

const update = (runs: Run[], id: string, change: (run: Run) => Run) => runs.map((r) => (r.id === id ? change(r) : r));

/** Training runs of this workspace — local ones and network jobs followed from here — for the Dashboard and Tools. */
export const useRuns = create<RunsState>()((set, get) => ({
  runs: [],
  restore: () => {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]") as Run[];
      // Runs in progress are not saved yet, and the Train panel is drawing one of them.
      if (Array.isArray(saved)) set((s) => ({ runs: [...saved.filter((r) => typeof r?.id === "string" && Array.isArray(r.points)), ...s.runs.filter((r) => r.status === "running")] }));
    } catch {
      set({ runs: [] });
    }
  },
  start: (run) => set((s) => ({ runs: [...s.runs.filter((r) => r.id !== run.id), { ...run, startedAt: Date.now(), status: "running" as const, points: [] }].slice(-KEEP) })),
  append: (id, points) => set((s) => ({ runs: update(s.runs, id, (r) => ({ ...r, points: [...r.points, ...points] })) })),
  finish: (id, status, extra) => {
    set((s) => ({ runs: update(s.runs, id, (r) => ({ ...r, ...extra, status })) }));
    persist(get().runs);
  },
  remove: (id) => {
    set((s) => ({ runs: s.runs.filter((r) => r.id !== id) }));
    persist(get().runs);
  },
}));
