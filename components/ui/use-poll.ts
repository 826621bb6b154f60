"use client";

import { useEffect, useState } from "react";

/**
 * Calls load now and every intervalMs while mounted, and at once whenever `subscribe` signals a
 * change (a live event); keeps the last good value and the last error.
 */
export function usePoll<T>(
  load: () => Promise<T>,
  intervalMs: number,
  deps: unknown[] = [],
  subscribe?: (changed: () => void) => () => void,
): { data?: T; error?: string } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  useEffect(() => {
    let alive = true;
    const tick = () =>
      load().then(
        (data) => alive && setState({ data }),
        (error: unknown) => alive && setState((s) => ({ data: s.data, error: (error as Error).message })),
      );
    void tick();
    const timer = setInterval(tick, intervalMs);
    const unsubscribe = subscribe?.(() => void tick());
    return () => {
      alive = false;
      clearInterval(timer);
      unsubscribe?.();
    };
  }, deps);
  return state;
}
