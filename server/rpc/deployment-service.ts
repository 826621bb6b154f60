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
import { accessOf, requiredAccessOf } from "../auth/credentials";
import type { ServerContext } from "../context";
import { nodeChannel, type NodeCommand } from "../events/channels";
import type { DeploymentRow } from "../inference/deployment-store";
import { placeDeployment } from "../inference/placement-actions";
import { failedPrecondition, invalidArgument, notFound, requireUuid } from "./errors";
import { jobNotFound, jobRefusal } from "./job-refusal";

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
      const jobId = requireUuid(req.jobId, "job_id");
      const access = await requiredAccessOf(hctx, "job");
      const job = await ctx.jobs.find(jobId, access);
      if (!job) throw jobNotFound(jobId);
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
      // Its deployer's, so that a signed-in user deploying an anonymous job's model owns the deployment.
      const deployment = await ctx.deployments.create({ name, jobId: job.id, userId: access.userId }, access);
      if (!deployment)
        throw await jobRefusal(ctx.jobs, job.id, access, (status) =>
          status === "COMPLETED"
            ? new ConnectError(`name: a deployment named ${name} already exists`, Code.AlreadyExists)
            : failedPrecondition(`job ${job.id} is ${status}: only a completed job's model can be deployed`),
        );
      await placeDeployment(ctx, deployment);
      return create(CreateDeploymentResponseSchema, { deployment: await message((await ctx.deployments.get(deployment.id)) ?? deployment) });
    },

    // The caller's own, and those made anonymously of the jobs whose tokens it sends.
    async listDeployments(_req, hctx) {
      const rows = await ctx.deployments.reachableBy(await accessOf(hctx, "job"));
      return create(ListDeploymentsResponseSchema, { deployments: await Promise.all(rows.map(message)) });
    },

    async deleteDeployment(req, hctx) {
      const id = requireUuid(req.deploymentId, "deployment_id");
      const deleted = await ctx.deployments.deleteReachable(id, await requiredAccessOf(hctx, "job"));
      // The same answer for none and someone else's: telling them apart would confirm the id.
      if (!deleted) throw notFound(`deployment ${id} does not exist, or is not yours`);
      if (deleted.nodeId) await ctx.bus.publish(nodeChannel(deleted.nodeId), { type: "undeploy", deploymentId: id } satisfies NodeCommand);
      return create(DeleteDeploymentResponseSchema, {});
    },
  };
}
