"use client";

import { createConnectTransport } from "@connectrpc/connect-web";
import { useCallback, useEffect, useRef, useState } from "react";
import { NodeAgent, type AgentState, type UsageLimits } from "../../lib/compute/agent";
import { browserContentStore } from "../../lib/compute/content-cache";
import { browserIdentity, hostWallet } from "./browser-identity";
import { browserMetrics } from "./browser-metrics";
import { createWebWorkerExecutor } from "./web-worker-executor";

declare global {
  interface Window {
    /** Lets the headless host stop a page gracefully (handing its job back) before closing it. */
    cyxwizWorker?: { stop(): Promise<void>; state(): AgentState | undefined };
  }
}

/** This tab as a compute node: starts the agent on demand and mirrors its state into React. */
export function useAgent(serverUrl: string, name: string) {
  const agent = useRef<NodeAgent | null>(null);
  const [state, setState] = useState<AgentState>();

  const start = useCallback(() => {
    if (agent.current) return;
    const created = new NodeAgent({
      serverUrl,
      transport: (interceptors) => createConnectTransport({ baseUrl: serverUrl, interceptors }),
      executor: createWebWorkerExecutor(),
      store: browserContentStore(),
      identity: browserIdentity,
      wallet: hostWallet(),
      hostMetrics: browserMetrics,
      machine: {
        name,
        runtime: "browser",
        cpuCores: navigator.hardwareConcurrency || 1,
        // deviceMemory is rounded and capped at 8 GiB by browsers; absent in some, so assume 4.
        ramTotal: ((navigator as { deviceMemory?: number }).deviceMemory ?? 4) * 1024 ** 3,
        userAgent: navigator.userAgent,
      },
    });
    agent.current = created;
    let lastSeq = 0;
    created.onChange((next) => {
      setState(next);
      for (const entry of next.log.filter((e) => e.seq > lastSeq)) {
        (entry.level === "error" ? console.error : console.log)(`[cyxwiz] ${entry.message}`);
      }
      lastSeq = next.log.at(-1)?.seq ?? lastSeq;
    });
    void created.run();
  }, [serverUrl, name]);

  const stop = useCallback(async () => {
    const running = agent.current;
    agent.current = null;
    await running?.stop();
  }, []);

  useEffect(() => {
    window.cyxwizWorker = { stop, state: () => agent.current?.state };
    const onUnload = () => void agent.current?.stop();
    window.addEventListener("pagehide", onUnload);
    return () => {
      window.removeEventListener("pagehide", onUnload);
      delete window.cyxwizWorker;
    };
  }, [stop]);

  const pause = useCallback(() => agent.current?.pause(), []);
  const resume = useCallback(() => agent.current?.resume(), []);
  const setLimits = useCallback((limits: Partial<UsageLimits>) => agent.current?.setLimits(limits), []);

  return { state, start, stop, pause, resume, setLimits, running: state !== undefined && state.phase !== "stopped" };
}
