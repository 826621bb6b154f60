/**
 * The socket.io contract between the server and browsers (the Engine, volunteer tabs): where it
 * listens, the events each side emits, their acknowledgements and payloads. The server's rooms
 * (server/events/socket-rooms.ts) and every client import it from here, so they cannot drift apart.
 */

/** Where socket.io listens on the server's HTTP ports. */
export const SOCKET_PATH = "/socket.io";

/** Client → server: join a job's room (with a WatchJobRequest); answered with a WatchJobAck. */
export const WATCH_JOB = "watch-job";
/** Client → server: leave a job's room. */
export const UNWATCH_JOB = "unwatch-job";

/**
 * A node's socket (connected with its session token as `auth.token`) asks for its assignments
 * with this event; the answer is a WatchAssignmentsAck, after which each message of the node's
 * WatchAssignments stream arrives as ASSIGNMENT_EVENT, in protobuf JSON.
 */
export const WATCH_ASSIGNMENTS = "watch-assignments";
export const ASSIGNMENT_EVENT = "assignment-event";

/** Server → client events, one per room kind. */
export const SOCKET_EVENTS = {
  /** A JobEvent, to the job's room. */
  job: "job",
  /** A node command, to the node's room. */
  command: "command",
  /** A NetworkEvent, to every socket. */
  network: "network",
  /** Work became available (an empty payload), to every socket. */
  queue: "queue",
} as const;

/**
 * Which job to watch, with the credentials that may read it, as the RPCs take them: a private
 * job's room is joined only by its owner (`authorization: "Bearer …"`) or its job token's holder.
 */
export interface WatchJobRequest {
  jobId: string;
  authorization?: string;
  jobToken?: string;
}

/** The answer to WATCH_JOB: the room is joined (with the job's status), or why not (code: the Connect code the RPC would refuse with). */
export type WatchJobAck = { ok: true; status: string } | { ok: false; code: string; error: string };

/** The answer to WATCH_ASSIGNMENTS; code is the Connect code the RPC stream would have refused with ("unauthenticated"…). */
export type WatchAssignmentsAck = { ok: true } | { ok: false; code: string; error: string };

/** What dashboards follow about the whole network: nodes arriving, and that a job (not which: jobs are private) changed status. */
export type NetworkEvent = { type: "node-online"; nodeId: string; name: string } | { type: "job-status"; status: string };

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

/** Everything about one job's change, to its room and to WatchJob streams. */
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
