/**
 * The event bus's channel names and its internal event shapes, so that publishers and subscribers
 * in the server cannot drift apart. What browsers receive is lib/wire/socket.ts.
 */

/** Everything about one job: progress, logs, status changes. WatchJob streams subscribe here. */
export const jobChannel = (jobId: string) => `job:${jobId}`;

/** Commands for one node (cancellations), delivered to whichever instance holds its stream. */
export const nodeChannel = (nodeId: string) => `node:${nodeId}`;

/** The answer to one inference request, from whichever instance the node reports to. */
export const inferenceChannel = (requestId: string) => `inference:${requestId}`;

/** Work became available: dispatchers in every instance look for idle nodes. */
export const QUEUE_CHANNEL = "queue";

/** What dashboards follow about the whole network (NetworkEvents): nodes arriving, jobs changing status. */
export const NETWORK_CHANNEL = "network";

export type NodeCommand =
  | { type: "cancel"; jobId: string }
  | { type: "pause"; jobId: string }
  | { type: "resume"; jobId: string }
  | { type: "deploy"; deploymentId: string }
  | { type: "undeploy"; deploymentId: string }
  | { type: "infer"; requestId: string; deploymentId: string; requestJson: string };

/**
 * What a relay hears of one inference request: the node's answer, in parts (ReportInference); or,
 * from the instance holding the node's assignment feed, that the request went down it, or that the
 * feed closed before the node answered (the node went away).
 */
export type InferenceEvent = { kind: "answer"; textDelta: string; done: boolean; resultJson: string; error: string; badInput: boolean } | { kind: "delivered" } | { kind: "lost"; reason: string };
