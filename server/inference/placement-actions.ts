import type { ServerContext } from "../context";
import { nodeChannel, type NodeCommand } from "../events/channels";
import type { DeploymentRow } from "./deployment-store";
import { isOnline } from "../nodes/discovery";
import { chooseServingNode } from "./placement";

/** What placing a deployment touches. */
type PlacementContext = Pick<ServerContext, "bus" | "config" | "deployments" | "log" | "nodes">;

/**
 * Puts the deployment on the best online node and tells the node; undefined when no node is
 * online (the deployment stays pending until one is asked again).
 */
export async function placeDeployment(ctx: PlacementContext, deployment: DeploymentRow): Promise<string | undefined> {
  const node = chooseServingNode(await ctx.nodes.list(), ctx.config.nodeTimeoutSeconds);
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
export async function servingNode(ctx: PlacementContext, deploymentId: string, waitMs = 30_000): Promise<{ nodeId: string } | { problem: string }> {
  const deadline = Date.now() + waitMs;
  let placedHere = false;
  for (;;) {
    const deployment = await ctx.deployments.get(deploymentId);
    if (!deployment) return { problem: "the deployment was deleted" };
    const node = deployment.nodeId ? await ctx.nodes.get(deployment.nodeId) : undefined;
    const serving = node && isOnline(node, ctx.config.nodeTimeoutSeconds, Date.now()) ? node : undefined;
    if (deployment.status === "READY" && serving) return { nodeId: serving.id };
    if (deployment.status === "FAILED" && placedHere) return { problem: `the node could not load the model: ${deployment.error}` };
    if (!serving || deployment.status === "FAILED") {
      if (!(await placeDeployment(ctx, deployment))) return { problem: "no compute node is online to serve this model" };
      placedHere = true;
    }
    if (Date.now() > deadline) return { problem: "no node has loaded the model yet; try again shortly" };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
