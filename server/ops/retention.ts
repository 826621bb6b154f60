import type { ServerContext } from "../context";

const EVERY_MS = 10 * 60_000;

/**
 * Keeps the node telemetry time series bounded: samples older than the retention are deleted
 * every ten minutes (reads downsample whatever span is asked for). Safe in every instance.
 */
export function startMetricsRetention(ctx: Pick<ServerContext, "config" | "log" | "nodes">): () => void {
  const prune = async () => {
    try {
      const removed = await ctx.nodes.pruneMetrics(new Date(Date.now() - ctx.config.metricsRetentionHours * 3600_000));
      if (removed > 0) ctx.log.info({ removed }, "old node metrics removed");
    } catch (error) {
      ctx.log.error({ err: error }, "metrics retention failed");
    }
  };
  const timer = setInterval(() => void prune(), EVERY_MS);
  return () => clearInterval(timer);
}
