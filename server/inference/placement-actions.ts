import type { ServerContext } from "../context";
import { nodeChannel, type NodeCommand } from "../events/channels";
import type { DeploymentRow } from "./deployment-store";
import { isOnline } from "../nodes/discovery";
import { chooseServingNode } from "./placement";
import type { InferenceRequest } from "../../lib/inference/served-model";
import { relay, RelayError, type RelayChunk } from "./relay";

/** What placing a deployment touches. */
type PlacementContext = Pick<ServerContext, "bus" | "config" | "deployments" | "log" | "nodes">;

/**
 * Puts the deployment on the best online node (other than those to avoid: ones that just went
 * away) and tells the node; undefined when no node is online (the deployment stays pending until
 * one is asked again).
 */
export async function placeDeployment(ctx: PlacementContext, deployment: DeploymentRow, avoid: readonly string[] = []): Promise<string | undefined> {
  const node = chooseServingNode(
    (await ctx.nodes.list()).filter((n) => !avoid.includes(n.id)),
    ctx.config.nodeTimeoutSeconds,
  );
  if (!node) return undefined;
  await ctx.deployments.place(deployment.id, node.id);
  await ctx.bus.publish(nodeChannel(node.id), { type: "deploy", deploymentId: deployment.id } satisfies NodeCommand);
  ctx.log.info({ deploymentId: deployment.id, nodeId: node.id }, "deployment placed");
  return node.id;
}

/**
 * The node that serves the deployment now: its node if ready and alive; else it is placed again
 * (its node went away, or none was online) and this waits for the new node to load it.
 */
export async function servingNode(ctx: PlacementContext, deploymentId: string, avoid: readonly string[] = [], waitMs = 30_000): Promise<{ nodeId: string } | { problem: string }> {
  const deadline = Date.now() + waitMs;
  let placedHere = false;
  for (;;) {
    const deployment = await ctx.deployments.get(deploymentId);
    if (!deployment) return { problem: "the deployment was deleted" };
    const node = deployment.nodeId ? await ctx.nodes.get(deployment.nodeId) : undefined;
    const serving = node && node.feedOpen && !avoid.includes(node.id) && isOnline(node, ctx.config.nodeTimeoutSeconds, Date.now()) ? node : undefined;
    if (deployment.status === "READY" && serving) return { nodeId: serving.id };
    if (deployment.status === "FAILED" && placedHere) return { problem: `the node could not load the model: ${deployment.error}` };
    if (!serving || deployment.status === "FAILED") {
      if (!(await placeDeployment(ctx, deployment, avoid))) return { problem: "no compute node is online to serve this model" };
      placedHere = true;
    }
    if (Date.now() > deadline) return { problem: "no node has loaded the model yet; try again shortly" };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** How many other nodes a request tries when its node goes away before answering. */
const FAILOVERS = 2;

/**
 * Relays a request to the deployment's node, moving the deployment to another node when that one
 * turns out to be gone (not connected, or its stream closed unanswered) before it sent anything,
 * so a dead node costs a request seconds, not the relay's time limit. UnavailableError when no
 * node can serve it.
 */
export async function* serveRequest(ctx: PlacementContext, deploymentId: string, request: InferenceRequest): AsyncGenerator<RelayChunk> {
  const gone: string[] = [];
  for (;;) {
    const serving = await servingNode(ctx, deploymentId, gone);
    if ("problem" in serving) throw new UnavailableError(serving.problem);
    let answered = false;
    try {
      for await (const chunk of relay(ctx, serving.nodeId, deploymentId, request)) {
        answered = true;
        yield chunk;
      }
      return;
    } catch (error) {
      if (!(error instanceof RelayError) || !error.nodeGone || answered || gone.length >= FAILOVERS) throw error;
      ctx.log.warn({ deploymentId, nodeId: serving.nodeId, reason: error.message }, "serving node gone: placing the deployment on another");
      gone.push(serving.nodeId);
      await ctx.deployments.release(deploymentId, serving.nodeId);
    }
  }
}

/** No node can serve the deployment now; worth asking again shortly. */
export class UnavailableError extends Error {}
