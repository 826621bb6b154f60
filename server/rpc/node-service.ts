import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  GetRegistrationChallengeResponseSchema,
  HeartbeatResponseSchema,
  type NodeService,
  NodeStatus,
  RegisterNodeResponseSchema,
  ReportDeploymentResponseSchema,
  ReportInferenceResponseSchema,
  ReportCompletionResponseSchema,
  ReportFailureResponseSchema,
  ReportProgressResponseSchema,
  UploadCheckpointResponseSchema,
  type DeviceInfo,
  type HeartbeatRequest,
  type NodeInfo,
  type NodeMetrics,
} from "../../gen/cyxwiz/v1/node_service_pb";
import { SHA256_HEX } from "../../lib/data/hash";
import { nodeOf } from "../auth/credentials";
import { proveIdentity, verifyJobToken } from "../auth/node-auth";
import { proveWallet } from "../auth/wallet-proof";
import type { ServerContext } from "../context";
import type { NetworkEvent } from "../../lib/wire/socket";
import { inferenceChannel, NETWORK_CHANNEL, type InferenceEvent } from "../events/channels";
import { publishJobEvent } from "../events/job-events";
import { holds, type Refusal } from "../jobs/job-row";
import type { JobHolder } from "../jobs/job-status";
import type { HeartbeatSample, NodeCapabilities } from "../nodes/node-store";
import { isBanned } from "../nodes/reputation";
import { announceLostJobs } from "../scheduler/monitor";
import { artifactPath } from "../artifacts/artifact-urls";
import { verifyCheckpointArtifact } from "../artifacts/checkpoint-artifact";
import { verifyModelArtifact } from "../artifacts/model-artifact";
import { openAssignmentFeed } from "./assignment-feed";
import { recordProgress } from "../cache/job-progress";
import { failedPrecondition, invalidArgument, notFound, permissionDenied, requireUuid } from "./errors";

export function nodeService(ctx: ServerContext): ServiceImpl<typeof NodeService> {
  const { jobs, nodes, bus, tokens, dispatcher } = ctx;
  /** The node a report comes from and the attempt of the job it holds, proven by both tokens. */
  const holder = async (hctx: HandlerContext, req: { nodeId: string; jobId: string; jobToken: string }): Promise<{ jobId: string } & JobHolder> => {
    const nodeId = await nodeOf(hctx, req.nodeId);
    const jobId = requireUuid(req.jobId, "job_id");
    const { attempt } = await verifyJobToken(tokens, req.jobToken, jobId, nodeId);
    return { jobId, nodeId, attempt };
  };

  const refuse = (refusal: Refusal, jobId: string) => {
    if (refusal === "not_assigned") return permissionDenied(`job ${jobId} is not assigned to this node`);
    if (refusal === "cancelled") return failedPrecondition(`job ${jobId} was cancelled`);
    return failedPrecondition(`job ${jobId} has already ended`);
  };

  return {
    async getRegistrationChallenge() {
      const { token, expiresAt } = await tokens.issueChallenge();
      return create(GetRegistrationChallengeResponseSchema, { challenge: token, expiresAtMs: BigInt(expiresAt.getTime()) });
    },

    async registerNode(req, hctx) {
      const info = validateNodeInfo(req.info);
      const challengeIssuedMs = await proveIdentity(tokens, req.challenge, info.publicKey, req.signature);
      const walletAddress = proveWallet(info.walletAddress, req.walletSignature, req.challenge, info.publicKey);
      const node = await nodes.registerIdentity(
        {
          name: info.name || `${info.runtime || "node"}-${info.publicKey.slice(0, 8)}`,
          runtime: info.runtime || "node",
          userAgent: info.userAgent || undefined,
          ipAddress: hctx.requestHeader.get("x-forwarded-for")?.split(",")[0]?.trim() || undefined,
          cpuCores: info.cpuCores,
          ramTotal: info.ramTotal,
          ...capabilities(info.devices, info.computeScore),
          // None clears the one an earlier run registered: it was proven then, not now.
          walletAddress,
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
      const nodeId = await nodeOf(hctx, req.nodeId);
      // Validated whole before anything is written: a refused heartbeat is no sign of life.
      const { metrics, changes } = heartbeatReport(req);
      const held = await jobs.heldBy(nodeId, req.activeJobs);
      const known = await nodes.heartbeat(nodeId, {
        status: req.currentStatus === NodeStatus.BUSY || held.size > 0 ? "BUSY" : "IDLE",
        cpuUsage: metrics?.cpuUsage,
        gpuUsage: metrics?.gpuUsage,
        memoryUsed: metrics?.memoryUsed,
        samplesPerSecond: metrics?.samplesPerSecond,
        jobsActive: held.size,
        ...changes,
      });
      if (!known) throw notFound("unknown node; register again");
      await ctx.hotState.saveLive(nodeId, {
        cpuUsage: metrics?.cpuUsage ?? null,
        gpuUsage: metrics?.gpuUsage ?? null,
        memoryUsed: metrics ? Number(metrics.memoryUsed) : null,
        samplesPerSecond: metrics?.samplesPerSecond ?? null,
        jobsActive: held.size,
        at: Date.now(),
      });
      ctx.metrics.heartbeats.inc();
      const jobTokens: Record<string, string> = {};
      for (const [jobId, attempt] of held) jobTokens[jobId] = await tokens.issueJobToken({ jobId, nodeId, attempt });
      return create(HeartbeatResponseSchema, { jobsToCancel: req.activeJobs.filter((id) => !held.has(id.toLowerCase())), jobTokens });
    },

    async *watchAssignments(req, hctx) {
      const feed = await openAssignmentFeed(ctx, await nodeOf(hctx, req.nodeId), "stream");
      yield* feed.messages(hctx.signal);
    },

    async reportProgress(req, hctx) {
      const { jobId, ...held } = await holder(hctx, req);
      const metrics = finiteMetrics(req.metrics, "metrics");
      const result = await recordProgress(ctx, jobId, held, {
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
      const finalMetrics = finiteMetrics(req.finalMetrics, "final_metrics");
      const problem = await verifyModelArtifact(ctx.artifacts, sha256);
      if (problem) {
        // A node that no longer holds the job learns that first, whatever it uploaded.
        const current = await jobs.get(jobId);
        if (!current || !holds(current, held)) throw permissionDenied(`job ${jobId} is not assigned to this node`);
        throw failedPrecondition(`model_weights_uri: ${problem}`);
      }
      const seconds = (Number(req.totalComputeTimeMs) / 1000).toFixed(1);
      const result = await jobs.complete(
        jobId,
        held,
        { modelWeightsUri: req.modelWeightsUri, modelWeightsSha256: sha256, finalMetrics, backend: req.backend || undefined },
        `completed on ${req.backend || "unknown backend"} in ${seconds} s`,
      );
      if (!result.ok) throw refuse(result.refusal, jobId);
      ctx.log.info({ jobId, nodeId }, "job completed");
      await nodes.recordReputation(nodeId, "job_completed");
      await publishJobEvent(bus, result.job, { statusChanged: true, logs: [result.log] });
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
      if (!job || !holds(job, held)) throw permissionDenied(`job ${jobId} is not assigned to this node`);
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
      const nodeId = await nodeOf(hctx, req.nodeId);
      const deploymentId = requireUuid(req.deploymentId, "deployment_id");
      const settled = await ctx.deployments.settle(deploymentId, nodeId, req.ready ? { ready: true } : { ready: false, error: req.error.slice(0, 2000) || "the node gave no reason" });
      if (!settled) throw permissionDenied(`deployment ${deploymentId} is not this node's to serve`);
      ctx.log.info({ deploymentId, nodeId, status: settled.status }, "deployment settled");
      return create(ReportDeploymentResponseSchema, {});
    },

    async reportInference(req, hctx) {
      await nodeOf(hctx, req.nodeId);
      const requestId = requireUuid(req.requestId, "request_id");
      await bus.publish(inferenceChannel(requestId), {
        kind: "answer",
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

/**
 * A heartbeat's telemetry and what it changes about the node, each field checked (the one at
 * fault is named); empty lists and zeros mean "unchanged", as proto3 sends them.
 */
function heartbeatReport(req: HeartbeatRequest): { metrics?: NodeMetrics; changes: Pick<HeartbeatSample, "cachedDatasets" | "capabilities" | "ramTotal"> } {
  const metrics = validMetrics(req.metrics);
  if (req.cachedDatasets.length > 1000 || req.cachedDatasets.some((h) => !SHA256_HEX.test(h))) throw invalidArgument("cached_datasets", "must be at most 1000 hex SHA-256 digests");
  if (req.devices.length > 0 && (!Number.isFinite(req.computeScore) || req.computeScore < 0)) throw invalidArgument("compute_score", "must be a non-negative number");
  if (req.ramTotal < 0n) throw invalidArgument("ram_total", "must be a non-negative number of bytes");
  return {
    metrics,
    changes: {
      cachedDatasets: req.cachedDatasets.length > 0 ? req.cachedDatasets : undefined,
      capabilities: req.devices.length > 0 ? capabilities(req.devices, req.computeScore) : undefined,
      ramTotal: req.ramTotal > 0n ? req.ramTotal : undefined,
    },
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
