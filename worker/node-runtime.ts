import { createConnectTransport } from "@connectrpc/connect-node";
import os from "node:os";
import { NodeAgent } from "../lib/compute/agent";
import type { ContentStore } from "../lib/compute/content-cache";
import { ephemeralIdentity, type NodeIdentity, type NodeWallet } from "../lib/compute/identity";
import { createLocalExecutor } from "../lib/compute/executor";
import { tf } from "../lib/train/runtime-tf";
import { hostMetricsSampler } from "./host-metrics";

/**
 * A compute node inside this Node process: the same agent and training code as the browser
 * worker page, on tfjs's wasm backend (tfjs-node cannot be installed offline, and wasm with SIMD
 * is the fastest backend Node has without it). Without an identity (tests) the node is a new
 * one each time.
 */
export function createNodeAgent(serverUrl: string, options: { name?: string; store?: ContentStore; identity?: NodeIdentity; wallet?: NodeWallet } = {}): NodeAgent {
  const identity = options.identity ? Promise.resolve(options.identity) : ephemeralIdentity();
  return new NodeAgent({
    store: options.store,
    identity: () => identity,
    wallet: options.wallet,
    hostMetrics: hostMetricsSampler(),
    serverUrl,
    transport: (interceptors) => createConnectTransport({ baseUrl: serverUrl, httpVersion: "1.1", interceptors }),
    executor: createLocalExecutor(tf, ["wasm", "cpu"]),
    machine: { name: options.name ?? `${os.hostname()}-node`, runtime: "node", cpuCores: os.cpus().length, ramTotal: os.totalmem(), userAgent: `node/${process.versions.node}` },
  });
}
