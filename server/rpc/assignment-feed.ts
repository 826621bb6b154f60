import { create } from "@bufbuild/protobuf";
import { JobAssignmentSchema, WatchAssignmentsResponseSchema, type JobAssignment, type WatchAssignmentsResponse } from "../../gen/cyxwiz/v1/node_service_pb";
import type { Hyperparameters } from "../../lib/job/hyperparameters";
import { ARTIFACT_UPLOAD_PATH, artifactPath } from "../artifacts/artifact-urls";
import type { ServerContext } from "../context";
import { inferenceChannel, nodeChannel, type InferenceEvent, type NodeCommand } from "../events/channels";
import { RELAY_TIMEOUT_MS } from "../inference/relay";
import { hyperparametersMessage } from "../jobs/job-message";
import type { JobRow } from "../jobs/job-row";
import { AsyncQueue } from "../util/async-queue";
import { notFound } from "./errors";

/** What a node's feed reads and listens to. */
type FeedContext = Pick<ServerContext, "artifacts" | "bus" | "datasets" | "deployments" | "dispatcher" | "jobs" | "log" | "nodes" | "tokens" | "config">;

/** How a node listens: the RPC stream, or its socket.io connection (browser tabs). */
export type FeedTransport = "stream" | "socket.io";

/** The messages of one node's WatchAssignments, whichever transport carries them. */
export interface AssignmentFeed {
  /** Every message in order, until close() or the signal (the node went away). */
  messages(signal?: AbortSignal): AsyncGenerator<WatchAssignmentsResponse>;
  close(): void;
}

/**
 * Opens what a node watching for work is sent: the jobs the dispatcher hands it (attaching
 * redelivers those it was handed and may have missed), the commands published for it (cancel,
 * pause, deploy, inference…) in the order they were published, and the deployments it serves,
 * which a node that reconnects (or restarted) loads again. The node must have registered.
 */
export async function openAssignmentFeed(ctx: FeedContext, nodeId: string, transport: FeedTransport): Promise<AssignmentFeed> {
  const node = await ctx.nodes.get(nodeId);
  if (!node) throw notFound("unknown node; register again");
  const generation = await ctx.nodes.feedOpened(nodeId);
  const outbox = new AsyncQueue<WatchAssignmentsResponse | JobRow>();
  const requests = new InFlightRequests(ctx.bus);
  // Commands reach the node in the order they were published (a deploy before its first request).
  let commands = Promise.resolve();
  const unsubscribe = await ctx.bus.subscribe(nodeChannel(nodeId), (event) => {
    commands = commands.then(async () => {
      // A command that cannot be turned into a message (its deployment's row unreadable) is lost
      // to this node: say so, and keep delivering the ones after it.
      const message = await commandEvent(ctx, event as NodeCommand).catch((error: unknown) => {
        ctx.log.error({ err: error, nodeId, command: (event as NodeCommand).type }, "could not deliver a command to the node");
        return undefined;
      });
      if (!message) return;
      outbox.push(message);
      if (message.event.case === "infer") await requests.delivered(message.event.value.requestId);
    });
  });
  const detach = ctx.dispatcher.attach(nodeId, (job) => outbox.push(job), node.computeScore);
  for (const deployment of await ctx.deployments.onNode(nodeId)) {
    const message = await deployEvent(ctx, deployment.id);
    if (message) outbox.push(message);
  }
  ctx.log.info({ nodeId, transport }, "assignment stream opened");

  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    outbox.close();
    detach();
    unsubscribe();
    void requests.lost("the serving node went away before it answered");
    void ctx.nodes.feedClosed(nodeId, generation).catch((error: unknown) => ctx.log.error({ err: error, nodeId }, "could not mark the node disconnected"));
    ctx.log.info({ nodeId, transport }, "assignment stream closed");
  };
  return {
    async *messages(signal) {
      try {
        for await (const item of outbox.drain(signal)) {
          yield "$typeName" in item ? item : create(WatchAssignmentsResponseSchema, { event: { case: "assignment", value: await assignmentMessage(ctx, item) } });
        }
      } finally {
        close();
      }
    },
    close,
  };
}

/** A job handed to its node: what to train, on what data, and the job token that proves this attempt is the node's. */
async function assignmentMessage(ctx: FeedContext, job: JobRow): Promise<JobAssignment> {
  return create(JobAssignmentSchema, {
    jobToken: await ctx.tokens.issueJobToken({ jobId: job.id, nodeId: job.assignedNodeId as string, attempt: job.attempts }),
    jobId: job.id,
    modelDefinition: JSON.stringify(job.modelConfig),
    hyperparameters: hyperparametersMessage(job.hyperparameters as Hyperparameters),
    datasetUri: job.datasetUri,
    datasetUrl: artifactPath(job.datasetSha256),
    datasetSha256: job.datasetSha256,
    datasetSize: BigInt((await ctx.artifacts.size(job.datasetSha256)) ?? 0),
    artifactUploadUrl: ARTIFACT_UPLOAD_PATH,
    attempt: job.attempts,
    resumeFrom: job.checkpointSha256 && job.checkpointEpoch ? { epoch: job.checkpointEpoch, uri: artifactPath(job.checkpointSha256), sha256: job.checkpointSha256 } : undefined,
  });
}

/** What the node is sent for a deployment it should serve: where the model is and what it reads. */
async function deployEvent(ctx: FeedContext, deploymentId: string): Promise<WatchAssignmentsResponse | undefined> {
  const deployment = await ctx.deployments.get(deploymentId);
  const job = deployment && (await ctx.jobs.get(deployment.jobId));
  const dataset = job && (await ctx.datasets.resolve(job.datasetUri));
  if (!deployment || !job?.modelWeightsSha256 || !dataset) return undefined;
  return create(WatchAssignmentsResponseSchema, {
    event: {
      case: "deploy",
      value: { deploymentId, name: deployment.name, modelUrl: artifactPath(job.modelWeightsSha256), modelSha256: job.modelWeightsSha256, datasetSpec: JSON.stringify(dataset.spec) },
    },
  });
}

async function commandEvent(ctx: FeedContext, command: NodeCommand): Promise<WatchAssignmentsResponse | undefined> {
  if (command.type === "cancel") return create(WatchAssignmentsResponseSchema, { event: { case: "cancelJobId", value: command.jobId } });
  if (command.type === "undeploy") return create(WatchAssignmentsResponseSchema, { event: { case: "undeployId", value: command.deploymentId } });
  if (command.type === "pause") return create(WatchAssignmentsResponseSchema, { event: { case: "pauseJobId", value: command.jobId } });
  if (command.type === "resume") return create(WatchAssignmentsResponseSchema, { event: { case: "resumeJobId", value: command.jobId } });
  if (command.type === "deploy") return deployEvent(ctx, command.deploymentId);
  return create(WatchAssignmentsResponseSchema, {
    event: { case: "infer", value: { requestId: command.requestId, deploymentId: command.deploymentId, requestJson: command.requestJson } },
  });
}

/**
 * The inference requests this feed sent down its node's stream and that may still be waited for.
 * Their relays hear that each was delivered, and, when the feed closes (the node went away), that
 * no answer will come: they fail over at once instead of waiting out their time limit.
 */
class InFlightRequests {
  private readonly sent = new Map<string, number>();

  constructor(private readonly bus: FeedContext["bus"]) {}

  async delivered(requestId: string): Promise<void> {
    const now = Date.now();
    // Older requests' relays have given up waiting.
    for (const [id, at] of this.sent) if (now - at > RELAY_TIMEOUT_MS) this.sent.delete(id);
    this.sent.set(requestId, now);
    await this.bus.publish(inferenceChannel(requestId), { kind: "delivered" } satisfies InferenceEvent);
  }

  async lost(reason: string): Promise<void> {
    const ids = [...this.sent.keys()];
    this.sent.clear();
    await Promise.all(ids.map((id) => this.bus.publish(inferenceChannel(id), { kind: "lost", reason } satisfies InferenceEvent)));
  }
}
