import type { NodeRow } from "./node-store";

export type NodeOrder = "performance" | "reputation" | "availability";

export interface NodeFilter {
  backend?: string;
  /** "cpu" or "gpu", from the node's selected device. */
  deviceType?: "cpu" | "gpu";
  minMemory?: bigint;
  minComputeScore?: number;
  minReputation?: number;
  region?: string;
  onlineOnly?: boolean;
}

interface DeviceRecord {
  deviceType?: number;
  selected?: boolean;
}

/** Online: not marked offline and heard from within the liveness timeout. */
export function isOnline(node: NodeRow, timeoutSeconds: number, now: number): boolean {
  return node.status !== "OFFLINE" && now - node.lastSeen.getTime() < timeoutSeconds * 1000;
}

function selectedDeviceType(node: NodeRow): "cpu" | "gpu" | undefined {
  const devices = (node.devices as DeviceRecord[] | null) ?? [];
  const selected = devices.find((d) => d.selected) ?? devices[0];
  // DeviceType in the contract: 1 CPU, 2 GPU.
  return selected?.deviceType === 2 ? "gpu" : selected?.deviceType === 1 ? "cpu" : undefined;
}

/** The nodes matching every filter, best first by the order. Pure. */
export function findNodes(nodes: NodeRow[], filter: NodeFilter, order: NodeOrder, timeoutSeconds: number, now = Date.now()): NodeRow[] {
  const matching = nodes.filter(
    (n) =>
      (!filter.backend || n.backend === filter.backend) &&
      (!filter.deviceType || selectedDeviceType(n) === filter.deviceType) &&
      (!filter.minMemory || n.ramTotal >= filter.minMemory) &&
      (!filter.minComputeScore || n.computeScore >= filter.minComputeScore) &&
      (!filter.minReputation || n.reputation >= filter.minReputation) &&
      (!filter.region || n.region === filter.region) &&
      (!filter.onlineOnly || isOnline(n, timeoutSeconds, now)),
  );
  const online = (n: NodeRow) => Number(isOnline(n, timeoutSeconds, now));
  const compare: Record<NodeOrder, (a: NodeRow, b: NodeRow) => number> = {
    performance: (a, b) => b.computeScore - a.computeScore || b.reputation - a.reputation,
    reputation: (a, b) => b.reputation - a.reputation || b.computeScore - a.computeScore,
    availability: (a, b) => online(b) - online(a) || Number(a.status !== "IDLE") - Number(b.status !== "IDLE") || b.lastSeen.getTime() - a.lastSeen.getTime(),
  };
  return matching.sort(compare[order]);
}

/** A bucket width (seconds) giving at most maxPoints over the span, in round numbers. */
export function bucketFor(spanMs: number, maxPoints = 300): number {
  const steps = [10, 30, 60, 300, 600, 1800, 3600, 21_600, 86_400];
  return steps.find((s) => spanMs / (s * 1000) <= maxPoints) ?? 86_400;
}
