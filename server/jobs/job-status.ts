import { Prisma as PrismaNamespace } from "../db/generated/client";

const { sql, raw, join } = PrismaNamespace;
type Sql = PrismaNamespace.Sql;

/**
 * The job state machine's vocabulary: the states as stored (the enum names of cyxwiz.v1.JobStatus
 * without prefix), which operation moves a job from which states to which, and the SQL conditions
 * the operations under server/jobs/sql/ name in their WHERE clauses. The diagram is in
 * docs/ARCHITECTURE.md ("Job states").
 */
export const JOB_STATUSES = ["AWAITING_PAYMENT", "QUEUED", "ASSIGNED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "EXPIRED"] as const;
export type JobStatusName = (typeof JOB_STATUSES)[number];

/** On a node: handed out (ASSIGNED) or acknowledged by its first progress report (RUNNING). */
export const HELD_STATUSES = ["ASSIGNED", "RUNNING"] as const satisfies readonly JobStatusName[];
/** Not yet ended: the states a cancellation or a pause may find. */
export const UNFINISHED_STATUSES = ["AWAITING_PAYMENT", "QUEUED", ...HELD_STATUSES] as const satisfies readonly JobStatusName[];
export const TERMINAL_STATUSES = ["COMPLETED", "FAILED", "CANCELLED", "EXPIRED"] as const satisfies readonly JobStatusName[];

/**
 * Every transition, by the operation that makes it. Each is one SQL statement (a file under
 * sql/) whose WHERE clause names the `from` states, so concurrent operations race safely: the
 * loser finds the job in another state and changes nothing.
 */
export const TRANSITIONS = {
  submit: { from: [], to: ["QUEUED", "AWAITING_PAYMENT"] },
  pay: { from: ["AWAITING_PAYMENT"], to: ["QUEUED"] },
  expire: { from: ["AWAITING_PAYMENT"], to: ["EXPIRED"] },
  claim: { from: ["QUEUED"], to: ["ASSIGNED"] },
  releaseClaim: { from: ["ASSIGNED"], to: ["QUEUED"] },
  reportProgress: { from: HELD_STATUSES, to: ["RUNNING"] },
  complete: { from: HELD_STATUSES, to: ["COMPLETED"] },
  fail: { from: HELD_STATUSES, to: ["QUEUED", "FAILED"] },
  takeBack: { from: HELD_STATUSES, to: ["QUEUED", "FAILED"] },
  cancel: { from: UNFINISHED_STATUSES, to: ["CANCELLED"] },
} as const satisfies Record<string, { from: readonly JobStatusName[]; to: readonly JobStatusName[] }>;

export function isJobStatus(status: string): status is JobStatusName {
  return (JOB_STATUSES as readonly string[]).includes(status);
}

export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export function isHeld(status: string): boolean {
  return (HELD_STATUSES as readonly string[]).includes(status);
}

/** `<alias>.status IN (…)`, for a table alias (or the bare column without one). */
export function statusIn(statuses: readonly JobStatusName[], alias?: string): Sql {
  return sql`${column(alias)} IN (${join(statuses.map((s) => sql`${s}`))})`;
}

/** The job is on a node: the condition of every check that a node holds a job. */
export function heldSql(alias?: string): Sql {
  return statusIn(HELD_STATUSES, alias);
}

/** The job waits in the queue and may be handed out. */
export function claimableSql(alias?: string): Sql {
  return sql`${column(alias)} = 'QUEUED' AND NOT ${raw(alias ? `${alias}.paused` : "paused")}`;
}

/** The node and the attempt of the job it holds, as its job token proves. */
export interface JobHolder {
  nodeId: string;
  attempt: number;
}

/** The job is the holder's, in one of the given states (on a node by default). */
export function heldBySql(jobId: string, holder: JobHolder, statuses: readonly JobStatusName[] = HELD_STATUSES): Sql {
  return sql`id = ${jobId}::uuid AND assigned_node = ${holder.nodeId}::uuid AND attempts = ${holder.attempt} AND ${statusIn(statuses)}`;
}

function column(alias: string | undefined): Sql {
  return raw(alias ? `${alias}.status` : "status");
}
