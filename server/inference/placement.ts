import type { NodeRow } from "../nodes/node-store";

/**
 * The node to serve a deployment: online (seen within the liveness timeout), preferring idle
 * nodes to ones training, then the fastest (measured GFLOPS). Pure, for the gateway and tests.
 */
export function chooseServingNode(nodes: NodeRow[], timeoutSeconds: number, now = Date.now()): NodeRow | undefined {
  const online = nodes.filter((n) => n.status !== "OFFLINE" && now - n.lastSeen.getTime() < timeoutSeconds * 1000);
  return online.sort((a, b) => Number(a.status !== "IDLE") - Number(b.status !== "IDLE") || b.computeScore - a.computeScore)[0];
}

/** Whether the node serving a deployment is still there to answer. */
export function isServing(node: NodeRow | null | undefined, timeoutSeconds: number, now = Date.now()): node is NodeRow {
  return !!node && node.status !== "OFFLINE" && now - node.lastSeen.getTime() < timeoutSeconds * 1000;
}
