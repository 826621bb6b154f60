import { createConnectTransport } from "@connectrpc/connect-node";
import { NodeAgent, type AgentOptions } from "../../lib/compute/agent";
import { ephemeralIdentity } from "../../lib/compute/identity";
import { createLocalExecutor } from "../../lib/compute/executor";
import { tf } from "../../lib/train/runtime-tf";
import { waitFor } from "./wait";

const GiB = 1024 ** 3;

/** A real node agent (wasm training, a fresh identity) on a server, started and idle. */
export async function startAgent(serverUrl: string, options: Partial<AgentOptions> = {}): Promise<NodeAgent> {
  const identity = await ephemeralIdentity();
  const agent = new NodeAgent({
    serverUrl,
    transport: (interceptors) => createConnectTransport({ baseUrl: serverUrl, httpVersion: "1.1", interceptors }),
    executor: createLocalExecutor(tf, ["wasm", "cpu"]),
    identity: async () => identity,
    reprobeEveryMs: 0,
    machine: { name: "test-node", runtime: "node", cpuCores: 2, ramTotal: 8 * GiB },
    ...options,
  });
  void agent.run();
  await waitFor(() => agent.state.phase === "idle", 30_000);
  return agent;
}
