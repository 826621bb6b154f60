import { useRef } from "react";

/**
 * The value of the previous render while it still equals this one: a dependency for memos that
 * must not recompute when a fresh but equal value is built each render (a node list without
 * positions, while nodes are dragged).
 */
export function useStable<T>(value: T, equal: (a: T, b: T) => boolean): T {
  const kept = useRef(value);
  if (kept.current !== value && !equal(kept.current, value)) kept.current = value;
  return kept.current;
}
