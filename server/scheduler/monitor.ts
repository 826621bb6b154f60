import type { ServerContext } from "../context";
import { publishJobEvent } from "../events/job-events";

/**
 * Every few seconds: nodes silent past the timeout go offline and their jobs go back to the
 * queue (or fail once their attempts are spent). Safe to run in every instance at once.
 */
export function startLivenessMonitor(ctx: ServerContext): () => void {
  const period = Math.max(1000, Math.floor((ctx.config.nodeTimeoutSeconds * 1000) / 6));
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const lost = await ctx.nodes.reapSilent(ctx.config.nodeTimeoutSeconds);
      for (const { id } of lost) {
        const job = await ctx.jobs.get(id);
        if (!job) continue;
        const requeued = job.status === "QUEUED";
        const log = await ctx.jobs.log(id, "warn", `node stopped sending heartbeats; ${requeued ? "job back in the queue" : job.error}`);
        ctx.log.warn({ jobId: id, status: job.status }, "job taken back from a silent node");
        await publishJobEvent(ctx.bus, job, { statusChanged: true, logs: [log] });
      }
    } catch (error) {
      ctx.log.error({ err: error }, "liveness check failed");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), period);
  return () => clearInterval(timer);
}
