import type { Prisma } from "../db/database";

/**
 * Hands the node the best queued job it can run (within the memory it offers now, as stored on
 * its row): highest priority first; then fair share — the job of the owner with the fewest jobs
 * running now, so one owner's thousand queued jobs never starve another's one (anonymous jobs
 * count as one owner); then oldest. The row is
 * locked with FOR UPDATE SKIP LOCKED, so concurrent claims (from any number of server
 * instances) each get a different job and none waits for another. In the same statement the
 * job is marked ASSIGNED and its attempt recorded. A node never claims a job it already failed,
 * nor a second job while it holds one, nor anything once declared offline (until it shows life)
 * or while banned.
 */
export async function claimJob(prisma: Prisma, nodeId: string): Promise<string | undefined> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH running AS (
      SELECT user_id, count(*) AS n FROM jobs WHERE status IN ('ASSIGNED', 'RUNNING') GROUP BY user_id),
    candidate AS (
      SELECT j.id FROM jobs j
      LEFT JOIN running r ON r.user_id IS NOT DISTINCT FROM j.user_id
      WHERE j.status = 'QUEUED' AND NOT j.paused
        AND j.estimated_memory <= (SELECT ram_total FROM nodes WHERE id = ${nodeId}::uuid)
        AND NOT EXISTS (
          SELECT 1 FROM job_attempts a
          WHERE a.job_id = j.id AND a.node_id = ${nodeId}::uuid AND a.outcome = 'FAILED')
        AND NOT EXISTS (
          SELECT 1 FROM jobs held
          WHERE held.assigned_node = ${nodeId}::uuid AND held.status IN ('ASSIGNED', 'RUNNING'))
        AND EXISTS (
          SELECT 1 FROM nodes n
          WHERE n.id = ${nodeId}::uuid AND n.status <> 'OFFLINE' AND (n.banned_until IS NULL OR n.banned_until <= now()))
      ORDER BY j.priority DESC, COALESCE(r.n, 0), j.created_at, j.id
      LIMIT 1
      FOR UPDATE OF j SKIP LOCKED),
    claimed AS (
      UPDATE jobs SET status = 'ASSIGNED', assigned_node = ${nodeId}::uuid, attempts = jobs.attempts + 1,
        assigned_at = now(), updated_at = now(), progress = 0, current_epoch = 0
      FROM candidate WHERE jobs.id = candidate.id
      RETURNING jobs.id, jobs.attempts),
    attempt AS (
      INSERT INTO job_attempts (job_id, node_id, attempt, outcome)
      SELECT id, ${nodeId}::uuid, attempts, 'RUNNING' FROM claimed)
    SELECT id::text AS id FROM claimed`;
  return rows[0]?.id;
}

/**
 * Puts a job that was claimed but could not be delivered (the node's stream closed at that
 * instant) back in the queue, without counting the attempt against it.
 */
export async function releaseClaim(prisma: Prisma, jobId: string, nodeId: string): Promise<boolean> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH r AS (
      UPDATE jobs SET status = 'QUEUED', assigned_node = NULL, assigned_at = NULL, attempts = attempts - 1, updated_at = now()
      WHERE id = ${jobId}::uuid AND assigned_node = ${nodeId}::uuid AND status = 'ASSIGNED'
      RETURNING id, attempts + 1 AS attempt)
    DELETE FROM job_attempts a USING r WHERE a.job_id = r.id AND a.attempt = r.attempt
    RETURNING r.id`;
  return rows.length > 0;
}
