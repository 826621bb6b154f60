/** Channel names and event shapes, so that publishers and subscribers cannot drift apart. */

/** Everything about one job: progress, logs, status changes. WatchJob streams subscribe here. */
export const jobChannel = (jobId: string) => `job:${jobId}`;

/** Commands for one node (cancellations), delivered to whichever instance holds its stream. */
export const nodeChannel = (nodeId: string) => `node:${nodeId}`;

/** The answer to one inference request, from whichever instance the node reports to. */
export const inferenceChannel = (requestId: string) => `inference:${requestId}`;

/** Work became available: dispatchers in every instance look for idle nodes. */
export const QUEUE_CHANNEL = "queue";

/** Where socket.io listens on the server's HTTP ports (see socket-rooms.ts for its rooms). */
export const SOCKET_PATH = "/socket.io";

/**
 * A node's socket (connected with its session token) asks for its assignments with this event;
 * the answer is a WatchAssignmentsAck, after which each message of the node's WatchAssignments
 * stream arrives as ASSIGNMENT_EVENT, in protobuf JSON.
 */
export const WATCH_ASSIGNMENTS = "watch-assignments";
export const ASSIGNMENT_EVENT = "assignment-event";

/** The answer to WATCH_ASSIGNMENTS; code is the Connect code the RPC stream would have refused with ("unauthenticated"…). */
export type WatchAssignmentsAck = { ok: true } | { ok: false; code: string; error: string };

/** What dashboards follow about the whole network: nodes arriving, jobs changing status. */
export const NETWORK_CHANNEL = "network";

export type NetworkEvent = { type: "node-online"; nodeId: string; name: string } | { type: "job-status"; jobId: string; status: string };

export interface MetricPointEvent {
  id: string;
  step: number;
  epoch: number;
  values: Record<string, number>;
  time: string;
}

export interface LogEvent {
  id: string;
  level: string;
  message: string;
  time: string;
}

export interface JobEvent {
  jobId: string;
  /** Set when the status changed (or may have): watchers reload the job. */
  statusChanged: boolean;
  status: string;
  progress: number;
  currentEpoch: number;
  totalEpochs: number;
  /** The running attempt's pace (0 when not training); memory in bytes, a number for JSON. */
  samplesPerSecond: number;
  etaSeconds: number;
  memoryBytes: number;
  points: MetricPointEvent[];
  logs: LogEvent[];
}

export type NodeCommand =
  | { type: "cancel"; jobId: string }
  | { type: "pause"; jobId: string }
  | { type: "resume"; jobId: string }
  | { type: "deploy"; deploymentId: string }
  | { type: "undeploy"; deploymentId: string }
  | { type: "infer"; requestId: string; deploymentId: string; requestJson: string };

export interface InferenceEvent {
  textDelta: string;
  done: boolean;
  resultJson: string;
  error: string;
  badInput: boolean;
}
