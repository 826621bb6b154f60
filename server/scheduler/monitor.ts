import type { ServerContext } from "../context";
import type { LostJob } from "../jobs/sql/take-back-jobs";
import type { ReputationEvent } from "../nodes/reputation";
import { publishJobEvent } from "../events/job-events";

/** What the liveness monitor reads and changes. */
type MonitorContext = Pick<ServerContext, "bus" | "config" | "jobs" | "log" | "nodes" | "metrics">;

/**
 * Every few seconds: nodes silent past the timeout go offline and their jobs go back to the
 * queue (or fail once their attempts are spent), as do jobs a node never acknowledged. Safe to
 * run in every instance at once.
 */
export function startLivenessMonitor(ctx: MonitorContext): () => void {
  const period = Math.max(1000, Math.floor((ctx.config.nodeTimeoutSeconds * 1000) / 6));
  // A server that was down (restarted, redeployed) must not blame nodes for its own silence: they
  // get one full timeout to reconnect before anyone is declared lost.
  const graceUntil = Date.now() + ctx.config.nodeTimeoutSeconds * 1000;
  let running = false;
  const tick = async () => {
    if (running || Date.now() < graceUntil) return;
    running = true;
    try {
      await announceLostJobs(ctx, await ctx.nodes.reapSilent(ctx.config.nodeTimeoutSeconds), "node stopped sending heartbeats", "heartbeat_timeout");
      await announceLostJobs(ctx, await ctx.nodes.requeueUnacknowledged(ctx.config.ackDeadlineSeconds), "node did not acknowledge the assignment", "disconnected_mid_job");
      await announceLostJobs(ctx, await ctx.nodes.releaseForgotten(2 * ctx.config.heartbeatSeconds), "node no longer holds the job", "disconnected_mid_job");
    } catch (error) {
      ctx.log.error({ err: error }, "liveness check failed");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), period);
  return () => clearInterval(timer);
}

/**
 * Logs and publishes jobs taken back from a node (each went back to the queue or failed), and
 * marks down the node that lost them.
 */
export async function announceLostJobs(ctx: MonitorContext, lost: LostJob[], cause: string, event: ReputationEvent): Promise<void> {
  for (const { id, nodeId } of lost) {
    await ctx.nodes.recordReputation(nodeId, event);
    const job = await ctx.jobs.get(id);
    if (!job) continue;
    const requeued = job.status === "QUEUED";
    const log = await ctx.jobs.log(id, "warn", `${cause}; ${requeued ? "job back in the queue" : job.error}`);
    ctx.log.warn({ jobId: id, status: job.status, cause }, "job taken back from its node");
    await publishJobEvent(ctx.bus, job, { statusChanged: true, logs: [log] });
  }
}
