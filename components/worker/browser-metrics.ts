import type { HostMetrics } from "../../lib/compute/heartbeat";

declare global {
  interface Window {
    /** Set by the headless host, which measures the whole machine (CPU, memory, nvidia-smi). */
    cyxwizHostMetrics?: () => Promise<HostMetrics>;
  }
}

/**
 * The machine's load as this page can know it: the host's measurement when the headless host
 * runs the page; otherwise only the page's own JavaScript heap (Chromium's performance.memory),
 * since browsers do not expose CPU or GPU load.
 */
export async function browserMetrics(): Promise<HostMetrics> {
  if (window.cyxwizHostMetrics) return window.cyxwizHostMetrics();
  const heap = (performance as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
  return { cpuUsage: 0, memoryUsed: heap, gpuUsage: 0, gpuMemoryUsed: 0, gpuMemoryTotal: 0 };
}
