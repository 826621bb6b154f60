import { isOnline } from "../nodes/discovery";
import type { NodeRow } from "../nodes/node-store";
import { isBanned } from "../nodes/reputation";

/**
 * The node to serve a deployment: connected (holding an assignment feed, so requests reach it),
 * online (seen within the liveness timeout) and not banned,
 * preferring idle nodes to ones training, then the fastest (measured GFLOPS). Pure, for the
 * gateway and tests.
 */
export function chooseServingNode(nodes: NodeRow[], timeoutSeconds: number, now = Date.now()): NodeRow | undefined {
  const online = nodes.filter((n) => n.feedOpen && isOnline(n, timeoutSeconds, now) && !isBanned(n, new Date(now)));
  return online.sort((a, b) => Number(a.status !== "IDLE") - Number(b.status !== "IDLE") || b.computeScore - a.computeScore)[0];
}
