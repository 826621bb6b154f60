import { z } from "zod";

/**
 * Shapes of the REST API's JSON answers that more than one program reads: the server writes
 * them, the TUI (and anyone else) parses them with these schemas.
 */

const count = z.number().int().nonnegative();

/** `GET /api/v1/scheduler`: the scheduler's state, read from the database, so every instance agrees. */
export const schedulerStatusSchema = z.object({
  /** Queued jobs by priority. */
  queued: z.object({ LOW: count, NORMAL: count, HIGH: count, CRITICAL: count }),
  assigned: count,
  running: count,
  /** Jobs handed to nodes in the last minute, and that as a rate. */
  assignmentsLastMinute: count,
  assignmentsPerSecond: z.number().nonnegative(),
  /** Mean seconds from submission to first assignment, over jobs first assigned in the last 10 minutes (null when none were). */
  meanWaitSeconds: z.number().nullable(),
  /** Registered nodes by state. */
  nodes: z.object({ idle: count, busy: count, offline: count }),
});
export type SchedulerStatus = z.infer<typeof schedulerStatusSchema>;
export type PriorityName = keyof SchedulerStatus["queued"];
