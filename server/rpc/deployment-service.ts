import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  CreateDeploymentResponseSchema,
  DeleteDeploymentResponseSchema,
  DeploymentSchema,
  type DeploymentService,
  DeploymentStatus,
  ListDeploymentsResponseSchema,
} from "../../gen/cyxwiz/v1/deployment_service_pb";
import { callerOf } from "../auth/credentials";
import { requireOwner } from "../auth/user-auth";
import type { ServerContext } from "../context";
import { nodeChannel, type NodeCommand } from "../events/channels";
import type { DeploymentRow } from "../inference/deployment-store";
import { placeDeployment } from "../inference/placement-actions";
import { failedPrecondition, invalidArgument, notFound, requireUuid } from "./errors";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function deploymentService(ctx: ServerContext): ServiceImpl<typeof DeploymentService> {
  const message = async (row: DeploymentRow) => {
    const job = await ctx.jobs.get(row.jobId);
    const dataset = job ? await ctx.datasets.resolve(job.datasetUri) : undefined;
    const kind = dataset?.spec.text ? "text" : dataset?.spec.task === "regression" ? "regressor" : "classifier";
    return create(DeploymentSchema, {
      deploymentId: row.id,
      name: row.name,
      jobId: row.jobId,
      status: DeploymentStatus[row.status as keyof typeof DeploymentStatus] ?? DeploymentStatus.UNSPECIFIED,
      nodeId: row.nodeId ?? "",
      error: row.error ?? "",
      kind,
      createdAtMs: BigInt(row.createdAt.getTime()),
    });
  };

  return {
    async createDeployment(req, hctx) {
      const who = await callerOf(hctx);
      const job = await ctx.jobs.get(requireUuid(req.jobId, "job_id"));
      if (!job) throw notFound(`job ${req.jobId} does not exist`);
      requireOwner(job.userId, who, `job ${job.id}`);
      if (job.status !== "COMPLETED" || !job.modelWeightsSha256) throw failedPrecondition(`job ${job.id} is ${job.status}: only a completed job's model can be deployed`);
      const name =
        req.name.trim() ||
        `${
          job.name
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, "-")
            .replace(/^-+|-+$/g, "")
            .slice(0, 40) || "model"
        }-${job.id.slice(0, 8)}`;
      if (!NAME.test(name)) throw invalidArgument("name", "must be 1 to 64 letters, digits, '.', '-' or '_', starting with a letter or digit");
      const deployment = await ctx.deployments.create({ name, jobId: job.id, userId: job.userId ?? undefined });
      if (!deployment) throw new ConnectError(`name: a deployment named ${name} already exists`, Code.AlreadyExists);
      await placeDeployment(ctx, deployment);
      return create(CreateDeploymentResponseSchema, { deployment: await message((await ctx.deployments.get(deployment.id)) ?? deployment) });
    },

    async listDeployments() {
      const rows = await ctx.deployments.list();
      return create(ListDeploymentsResponseSchema, { deployments: await Promise.all(rows.map(message)) });
    },

    async deleteDeployment(req, hctx) {
      const who = await callerOf(hctx);
      const deployment = await ctx.deployments.get(requireUuid(req.deploymentId, "deployment_id"));
      if (!deployment) throw notFound(`deployment ${req.deploymentId} does not exist`);
      requireOwner(deployment.userId, who, `deployment ${deployment.id}`);
      await ctx.deployments.delete(deployment.id);
      if (deployment.nodeId) await ctx.bus.publish(nodeChannel(deployment.nodeId), { type: "undeploy", deploymentId: deployment.id } satisfies NodeCommand);
      return create(DeleteDeploymentResponseSchema, {});
    },
  };
}
