/**
 * Undo/redo over immutable snapshots. A bulk action (paste, delete of a selection, a drag) is one
 * commit, so it is one step back.
 */
export interface History<T> {
  past: T[];
  present: T;
  future: T[];
}

const LIMIT = 200;

export const startHistory = <T>(present: T): History<T> => ({ past: [], present, future: [] });

export function commit<T>(history: History<T>, next: T): History<T> {
  if (next === history.present) return history;
  return { past: [...history.past, history.present].slice(-LIMIT), present: next, future: [] };
}

/** Replaces the present without a new step (e.g. positions while a drag is in progress). */
export function replace<T>(history: History<T>, next: T): History<T> {
  return { ...history, present: next };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past.at(-1);
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
}

/** Ends a change made through replace() (a drag) as one step back to anchor, the state it started from. */
export function settle<T>(history: History<T>, anchor: T): History<T> {
  if (anchor === history.present) return history;
  return { past: [...history.past, anchor].slice(-LIMIT), present: history.present, future: [] };
}
