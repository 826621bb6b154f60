"use client";

import { useEffect, useEffectEvent, useState } from "react";

/**
 * Calls load now and every intervalMs while mounted, and at once whenever `subscribe` signals a
 * change (a live event); keeps the last good value and the last error. Polling and the
 * subscription start again when `source` changes (another server).
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, source: unknown, subscribe?: (changed: () => void) => () => void): { data?: T; error?: string } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  const loadLatest = useEffectEvent(load);
  const subscribeLatest = useEffectEvent((changed: () => void) => subscribe?.(changed));
  useEffect(() => {
    let alive = true;
    const tick = () => {
      loadLatest().then(
        (data) => alive && setState({ data }),
        (error: unknown) => alive && setState((s) => ({ data: s.data, error: (error as Error).message })),
      );
    };
    tick();
    const timer = setInterval(tick, intervalMs);
    const unsubscribe = subscribeLatest(tick);
    return () => {
      alive = false;
      clearInterval(timer);
      unsubscribe?.();
    };
  }, [intervalMs, source]);
  return state;
}
