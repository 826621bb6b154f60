import type { ServerContext } from "../context";
import { isOnline } from "../nodes/discovery";
import type { NodeRow } from "../nodes/node-store";
import type { NodeLive } from "./hot-state";

/**
 * The latest heartbeat sample of each online node: from the hot state, and for the nodes it
 * misses (lost, flushed) from PostgreSQL's telemetry. Offline nodes have none.
 */
export async function liveSamples(ctx: Pick<ServerContext, "hotState" | "nodes" | "config">, rows: NodeRow[], now = Date.now()): Promise<Map<string, NodeLive>> {
  const timeout = ctx.config.nodeTimeoutSeconds;
  const online = rows.filter((n) => isOnline(n, timeout, now)).map((n) => n.id);
  const live = await ctx.hotState.liveOf(online);
  const missing = online.filter((id) => !live.has(id));
  if (missing.length > 0) for (const [id, sample] of await ctx.nodes.latestSamples(missing, timeout)) live.set(id, sample);
  return live;
}
