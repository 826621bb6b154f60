import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  GetRegistrationChallengeResponseSchema,
  HeartbeatResponseSchema,
  JobAssignmentSchema,
  NodeService,
  NodeStatus,
  RegisterNodeResponseSchema,
  ReportDeploymentResponseSchema,
  ReportInferenceResponseSchema,
  ReportCompletionResponseSchema,
  ReportFailureResponseSchema,
  ReportProgressResponseSchema,
  UploadCheckpointResponseSchema,
  WatchAssignmentsResponseSchema,
  type DeviceInfo,
  type JobAssignment,
  type NodeInfo,
  type NodeMetrics,
  type WatchAssignmentsResponse,
} from "../../gen/cyxwiz/v1/node_service_pb";
import { SHA256_HEX } from "../../lib/data/hash";
import type { Hyperparameters } from "../../lib/train/hyperparameters";
import { authenticateNode, proveIdentity, verifyJobToken } from "../auth/node-auth";
import type { ServerContext } from "../context";
import { inferenceChannel, NETWORK_CHANNEL, nodeChannel, type InferenceEvent, type NetworkEvent, type NodeCommand } from "../events/channels";
import { publishJobEvent } from "../events/job-events";
import { hyperparametersMessage } from "../jobs/job-message";
import type { JobHolder, JobRow, Refusal } from "../jobs/job-store";
import type { NodeCapabilities } from "../nodes/node-store";
import { isBanned } from "../nodes/reputation";
import { announceLostJobs } from "../scheduler/monitor";
import { verifyCheckpointArtifact } from "../artifacts/checkpoint-artifact";
import { verifyModelArtifact } from "../artifacts/model-artifact";
import { AsyncQueue } from "../util/async-queue";
import { failedPrecondition, invalidArgument, notFound, permissionDenied, requireUuid } from "./errors";

export const ARTIFACT_UPLOAD_PATH = "/api/v1/artifacts";
export const artifactPath = (sha256: string) => `/artifacts/${sha256}`;

export function nodeService(ctx: ServerContext): ServiceImpl<typeof NodeService> {
  const { jobs, nodes, bus, tokens, dispatcher } = ctx;
  const auth = (hctx: HandlerContext, nodeId: string) => authenticateNode(tokens, hctx, nodeId);
  /** The node a report comes from and the attempt of the job it holds, proven by both tokens. */
  const holder = async (hctx: HandlerContext, req: { nodeId: string; jobId: string; jobToken: string }): Promise<{ jobId: string } & JobHolder> => {
    const nodeId = await auth(hctx, req.nodeId);
    const jobId = requireUuid(req.jobId, "job_id");
    const { attempt } = await verifyJobToken(tokens, req.jobToken, jobId, nodeId);
    return { jobId, nodeId, attempt };
  };

  const refuse = (refusal: Refusal, jobId: string) => {
    if (refusal === "not_assigned") return permissionDenied(`job ${jobId} is not assigned to this node`);
    if (refusal === "cancelled") return failedPrecondition(`job ${jobId} was cancelled`);
    return failedPrecondition(`job ${jobId} has already ended`);
  };

  const assignment = async (job: JobRow): Promise<JobAssignment> =>
    create(JobAssignmentSchema, {
      jobToken: await tokens.issueJobToken({ jobId: job.id, nodeId: job.assignedNodeId as string, attempt: job.attempts }),
      jobId: job.id,
      modelDefinition: JSON.stringify(job.modelConfig),
      hyperparameters: hyperparametersMessage(job.hyperparameters as Hyperparameters),
      datasetUri: job.datasetUri,
      datasetUrl: artifactPath(job.datasetSha256),
      datasetSha256: job.datasetSha256,
      datasetSize: BigInt((await ctx.artifacts.size(job.datasetSha256)) ?? 0),
      artifactUploadUrl: ARTIFACT_UPLOAD_PATH,
      attempt: job.attempts,
      resumeFrom:
        job.checkpointSha256 && job.checkpointEpoch
          ? { epoch: job.checkpointEpoch, uri: artifactPath(job.checkpointSha256), sha256: job.checkpointSha256 }
          : undefined,
    });

  /** What the node is sent for a deployment it should serve: where the model is and what it reads. */
  const deployEvent = async (deploymentId: string): Promise<WatchAssignmentsResponse | undefined> => {
    const deployment = await ctx.deployments.get(deploymentId);
    const job = deployment && (await jobs.get(deployment.jobId));
    const dataset = job && (await ctx.datasets.resolve(job.datasetUri));
    if (!deployment || !job?.modelWeightsSha256 || !dataset) return undefined;
    return create(WatchAssignmentsResponseSchema, {
      event: {
        case: "deploy",
        value: { deploymentId, name: deployment.name, modelUrl: artifactPath(job.modelWeightsSha256), modelSha256: job.modelWeightsSha256, datasetSpec: JSON.stringify(dataset.spec) },
      },
    });
  };

  const commandEvent = async (command: NodeCommand): Promise<WatchAssignmentsResponse | undefined> => {
    if (command.type === "cancel") return create(WatchAssignmentsResponseSchema, { event: { case: "cancelJobId", value: command.jobId } });
    if (command.type === "undeploy") return create(WatchAssignmentsResponseSchema, { event: { case: "undeployId", value: command.deploymentId } });
    if (command.type === "pause") return create(WatchAssignmentsResponseSchema, { event: { case: "pauseJobId", value: command.jobId } });
    if (command.type === "resume") return create(WatchAssignmentsResponseSchema, { event: { case: "resumeJobId", value: command.jobId } });
    if (command.type === "deploy") return deployEvent(command.deploymentId);
    return create(WatchAssignmentsResponseSchema, {
      event: { case: "infer", value: { requestId: command.requestId, deploymentId: command.deploymentId, requestJson: command.requestJson } },
    });
  };

  return {
    async getRegistrationChallenge() {
      const { token, expiresAt } = await tokens.issueChallenge();
      return create(GetRegistrationChallengeResponseSchema, { challenge: token, expiresAtMs: BigInt(expiresAt.getTime()) });
    },

    async registerNode(req, hctx) {
      const info = validateNodeInfo(req.info);
      const challengeIssuedMs = await proveIdentity(tokens, req.challenge, info.publicKey, req.signature);
      const node = await nodes.registerIdentity(
        {
          name: info.name || `${info.runtime || "node"}-${info.publicKey.slice(0, 8)}`,
          runtime: info.runtime || "node",
          userAgent: info.userAgent || undefined,
          ipAddress: hctx.requestHeader.get("x-forwarded-for")?.split(",")[0]?.trim() || undefined,
          cpuCores: info.cpuCores,
          ramTotal: info.ramTotal,
          ...capabilities(info.devices, info.computeScore),
          walletAddress: info.walletAddress || undefined,
          publicKey: info.publicKey,
          region: info.region || undefined,
        },
        challengeIssuedMs,
      );
      if (!node) throw permissionDenied("challenge: already used by this node; ask for a new one");
      if (isBanned(node, new Date())) {
        throw permissionDenied(`node ${node.id} is banned until ${node.bannedUntil?.toISOString()} (strike ${node.strikes}, reputation ${node.reputation})`);
      }
      await announceLostJobs(ctx, await nodes.releaseEarlierRun(node.id, req.heldJobs), `node ${node.id} restarted without the job`, "disconnected_mid_job");
      const session = await tokens.issueNodeToken(node.id);
      ctx.log.info({ nodeId: node.id, runtime: node.runtime, backend: node.backend, gflops: node.computeScore }, "node registered");
      await bus.publish(NETWORK_CHANNEL, { type: "node-online", nodeId: node.id, name: node.name } satisfies NetworkEvent);
      return create(RegisterNodeResponseSchema, {
        nodeId: node.id,
        sessionToken: session.token,
        heartbeatIntervalSeconds: ctx.config.heartbeatSeconds,
        sessionExpiresAtMs: BigInt(session.expiresAt.getTime()),
      });
    },

    async heartbeat(req, hctx) {
      const nodeId = await auth(hctx, req.nodeId);
      const metrics = validMetrics(req.metrics);
      const held = await jobs.heldBy(nodeId, req.activeJobs);
      const known = await nodes.heartbeat(nodeId, {
        status: req.currentStatus === NodeStatus.BUSY || held.size > 0 ? "BUSY" : "IDLE",
        cpuUsage: metrics?.cpuUsage,
        gpuUsage: metrics?.gpuUsage,
        memoryUsed: metrics?.memoryUsed,
        samplesPerSecond: metrics?.samplesPerSecond,
        jobsActive: held.size,
      });
      if (!known) throw notFound("unknown node; register again");
      ctx.metrics.heartbeats.inc();
      if (req.cachedDatasets.length > 0) {
        if (req.cachedDatasets.length > 1000 || req.cachedDatasets.some((h) => !SHA256_HEX.test(h))) throw invalidArgument("cached_datasets", "must be at most 1000 hex SHA-256 digests");
        await nodes.holdDatasets(nodeId, req.cachedDatasets);
      }
      if (req.devices.length > 0) {
        if (!Number.isFinite(req.computeScore) || req.computeScore < 0) throw invalidArgument("compute_score", "must be a non-negative number");
        await nodes.updateCapabilities(nodeId, capabilities(req.devices, req.computeScore));
      }
      if (req.ramTotal > 0n) await nodes.offerMemory(nodeId, req.ramTotal);
      const jobTokens: Record<string, string> = {};
      for (const [jobId, attempt] of held) jobTokens[jobId] = await tokens.issueJobToken({ jobId, nodeId, attempt });
      return create(HeartbeatResponseSchema, { jobsToCancel: req.activeJobs.filter((id) => !held.has(id.toLowerCase())), jobTokens });
    },

    async *watchAssignments(req, hctx) {
      const nodeId = await auth(hctx, req.nodeId);
      const node = await nodes.get(nodeId);
      if (!node) throw notFound("unknown node; register again");
      await nodes.touch(nodeId);
      const outbox = new AsyncQueue<WatchAssignmentsResponse | JobRow>();
      // Commands reach the node in the order they were published (a deploy before its first request).
      let commands = Promise.resolve();
      const unsubscribe = await bus.subscribe(nodeChannel(nodeId), (event) => {
        commands = commands.then(async () => {
          const message = await commandEvent(event as NodeCommand).catch(() => undefined);
          if (message) outbox.push(message);
        });
      });
      const detach = dispatcher.attach(nodeId, (job) => outbox.push(job));
      // A node that reconnects (or restarted) loads its deployments again.
      for (const deployment of await ctx.deployments.onNode(nodeId)) {
        const message = await deployEvent(deployment.id);
        if (message) outbox.push(message);
      }
      ctx.log.info({ nodeId }, "assignment stream opened");
      try {
        for await (const item of outbox.drain(hctx.signal)) {
          if ("$typeName" in item) yield item;
          else yield create(WatchAssignmentsResponseSchema, { event: { case: "assignment", value: await assignment(item) } });
        }
      } finally {
        detach();
        unsubscribe();
        ctx.log.info({ nodeId }, "assignment stream closed");
      }
    },

    async reportProgress(req, hctx) {
      const { jobId, ...held } = await holder(hctx, req);
      const metrics = finiteMetrics(req.metrics, "metrics");
      const result = await jobs.recordProgress(jobId, held, {
        progress: req.progress,
        currentEpoch: req.currentEpoch,
        step: Number.isFinite(req.step) ? req.step : req.currentEpoch,
        metrics,
        logMessage: req.logMessage.slice(0, 2000) || undefined,
        backend: req.backend || undefined,
        ...pace(req),
      });
      if (!result.ok) {
        if (result.refusal === "cancelled") return create(ReportProgressResponseSchema, { cancel: true });
        throw refuse(result.refusal, jobId);
      }
      await publishJobEvent(bus, result.job, {
        statusChanged: result.started,
        points: result.point ? [result.point] : [],
        logs: result.log ? [result.log] : [],
      });
      return create(ReportProgressResponseSchema, { cancel: false });
    },

    async reportCompletion(req, hctx) {
      const { jobId, ...held } = await holder(hctx, req);
      const { nodeId } = held;
      const sha256 = req.modelWeightsSha256.toLowerCase();
      if (!SHA256_HEX.test(sha256)) throw invalidArgument("model_weights_sha256", "must be a hex SHA-256 digest");
      if (req.modelWeightsUri !== artifactPath(sha256)) {
        throw invalidArgument("model_weights_uri", `must be ${artifactPath(sha256)}, the artifact the hash names`);
      }
      const current = await jobs.get(jobId);
      if (!current || current.assignedNodeId !== nodeId || current.attempts !== held.attempt) throw permissionDenied(`job ${jobId} is not assigned to this node`);
      const problem = await verifyModelArtifact(ctx.artifacts, sha256);
      if (problem) throw failedPrecondition(`model_weights_uri: ${problem}`);
      const result = await jobs.complete(jobId, held, {
        modelWeightsUri: req.modelWeightsUri,
        modelWeightsSha256: sha256,
        finalMetrics: finiteMetrics(req.finalMetrics, "final_metrics"),
        backend: req.backend || undefined,
      });
      if (!result.ok) throw refuse(result.refusal, jobId);
      const seconds = (Number(req.totalComputeTimeMs) / 1000).toFixed(1);
      const log = await jobs.log(jobId, "info", `completed on ${req.backend || "unknown backend"} in ${seconds} s`);
      ctx.log.info({ jobId, nodeId }, "job completed");
      await nodes.recordReputation(nodeId, "job_completed");
      await publishJobEvent(bus, result.job, { statusChanged: true, logs: [log] });
      void dispatcher.nudge(nodeId);
      return create(ReportCompletionResponseSchema, {});
    },

    async uploadCheckpoint(req, hctx) {
      const { jobId, ...held } = await holder(hctx, req);
      const ref = req.checkpoint;
      if (!ref) throw invalidArgument("checkpoint", "required (epoch, uri, sha256)");
      const sha256 = ref.sha256.toLowerCase();
      if (!SHA256_HEX.test(sha256)) throw invalidArgument("checkpoint.sha256", "must be a hex SHA-256 digest");
      if (ref.uri !== artifactPath(sha256)) throw invalidArgument("checkpoint.uri", `must be ${artifactPath(sha256)}, the artifact the hash names`);
      const job = await jobs.get(jobId);
      if (!job || job.assignedNodeId !== held.nodeId || job.attempts !== held.attempt) throw permissionDenied(`job ${jobId} is not assigned to this node`);
      if (ref.epoch < 1 || ref.epoch >= job.totalEpochs) throw invalidArgument("checkpoint.epoch", `must be between 1 and ${job.totalEpochs - 1} (a checkpoint after the last epoch is the model)`);
      const problem = await verifyCheckpointArtifact(ctx.artifacts, sha256, jobId, ref.epoch);
      if (problem) throw failedPrecondition(`checkpoint: ${problem}`);
      const result = await jobs.saveCheckpoint(jobId, held, ref.epoch, sha256);
      if (!result.ok) {
        // A late upload of an older checkpoint changes nothing and is no error.
        if (result.refusal === "stale") return create(UploadCheckpointResponseSchema, {});
        throw refuse(result.refusal, jobId);
      }
      const log = await jobs.log(jobId, "info", `checkpoint after epoch ${ref.epoch} saved`);
      await publishJobEvent(bus, result.job, { statusChanged: false, logs: [log] });
      return create(UploadCheckpointResponseSchema, {});
    },

    async reportDeployment(req, hctx) {
      const nodeId = await auth(hctx, req.nodeId);
      const deploymentId = requireUuid(req.deploymentId, "deployment_id");
      const settled = await ctx.deployments.settle(deploymentId, nodeId, req.ready ? { ready: true } : { ready: false, error: req.error.slice(0, 2000) || "the node gave no reason" });
      if (!settled) throw permissionDenied(`deployment ${deploymentId} is not this node's to serve`);
      ctx.log.info({ deploymentId, nodeId, status: settled.status }, "deployment settled");
      return create(ReportDeploymentResponseSchema, {});
    },

    async reportInference(req, hctx) {
      await auth(hctx, req.nodeId);
      const requestId = requireUuid(req.requestId, "request_id");
      await bus.publish(inferenceChannel(requestId), {
        textDelta: req.textDelta,
        done: req.done,
        resultJson: req.resultJson,
        error: req.error,
        badInput: req.badInput,
      } satisfies InferenceEvent);
      return create(ReportInferenceResponseSchema, {});
    },

    async reportFailure(req, hctx) {
      const { jobId, ...held } = await holder(hctx, req);
      const { nodeId } = held;
      const error = req.error.trim().slice(0, 2000) || "the node gave no reason";
      const result = await jobs.fail(jobId, held, error, req.retryable);
      if (!result.ok) throw refuse(result.refusal, jobId);
      const requeued = result.job.status === "QUEUED";
      const log = await jobs.log(jobId, "error", `attempt ${result.job.attempts} failed on node ${nodeId}: ${error}${requeued ? " — back in the queue" : ""}`);
      ctx.log.warn({ jobId, nodeId, error, requeued }, "job attempt failed");
      // A job that fails the same way everywhere (retryable false) is the job's fault, not the node's.
      if (req.retryable) await nodes.recordReputation(nodeId, "job_failed");
      await publishJobEvent(bus, result.job, { statusChanged: true, logs: [log] });
      void dispatcher.nudge(nodeId);
      return create(ReportFailureResponseSchema, {});
    },
  };
}

function validateNodeInfo(info: NodeInfo | undefined): NodeInfo {
  if (!info) throw invalidArgument("info", "required");
  if (info.cpuCores < 1) throw invalidArgument("info.cpu_cores", "must be at least 1");
  if (info.ramTotal <= 0n) throw invalidArgument("info.ram_total", "must be a positive number of bytes");
  if (!Number.isFinite(info.computeScore) || info.computeScore < 0) throw invalidArgument("info.compute_score", "must be a non-negative number");
  if (info.runtime && !["browser", "node"].includes(info.runtime)) throw invalidArgument("info.runtime", 'must be "browser" or "node"');
  if (info.name.length > 200) throw invalidArgument("info.name", "must be at most 200 characters");
  if (!info.publicKey) throw invalidArgument("info.public_key", "required: the node's ed25519 public key (base64, 32 bytes)");
  return info;
}

/** What a node can do, from its measured devices: stored at registration and after a re-probe. */
function capabilities(devices: DeviceInfo[], computeScore: number): NodeCapabilities {
  const selected = devices.find((d) => d.selected) ?? devices[0];
  return {
    computeScore,
    backend: selected?.backend || "unknown",
    devices: devices.map((d) => ({
      deviceType: d.deviceType,
      backend: d.backend,
      name: d.name,
      vendor: d.vendor,
      architecture: d.architecture,
      isFallbackAdapter: d.isFallbackAdapter,
      memoryTotal: Number(d.memoryTotal),
      gflops: d.gflops,
      selected: d.selected,
      note: d.note,
    })),
  };
}

/** Usages are fractions (0–1): anything else is named, never stored. */
function validMetrics(metrics: NodeMetrics | undefined): NodeMetrics | undefined {
  if (!metrics) return undefined;
  for (const field of ["cpuUsage", "gpuUsage"] as const) {
    const value = metrics[field];
    if (!Number.isFinite(value) || value < 0 || value > 1) throw invalidArgument(`metrics.${field === "cpuUsage" ? "cpu_usage" : "gpu_usage"}`, "must be a fraction from 0 to 1");
  }
  if (!Number.isFinite(metrics.samplesPerSecond) || metrics.samplesPerSecond < 0) throw invalidArgument("metrics.samples_per_second", "must be a non-negative number");
  return metrics;
}

/** A progress report's pace, time left and memory, each a non-negative number (the field is named otherwise). */
function pace(req: { samplesPerSecond: number; etaSeconds: number; memoryBytes: bigint }) {
  const check = (value: number, field: string) => {
    if (!Number.isFinite(value) || value < 0) throw invalidArgument(field, "must be a non-negative number");
    return value;
  };
  return { samplesPerSecond: check(req.samplesPerSecond, "samples_per_second"), etaSeconds: check(req.etaSeconds, "eta_seconds"), memoryBytes: req.memoryBytes };
}

function finiteMetrics(metrics: Record<string, number>, field: string): Record<string, number> {
  for (const [name, value] of Object.entries(metrics)) {
    if (!Number.isFinite(value)) throw invalidArgument(`${field}.${name}`, "must be a finite number");
  }
  return metrics;
}
