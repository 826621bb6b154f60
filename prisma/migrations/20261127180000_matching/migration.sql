-- What matching weighs besides speed and reputation (server/scheduler/matching.ts): the machine's
-- load at its last heartbeat, when this session began, and the datasets the node already holds.
ALTER TABLE "nodes" ADD COLUMN "load" REAL NOT NULL DEFAULT 0;
ALTER TABLE "nodes" ADD COLUMN "session_started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "nodes" ADD COLUMN "cached_datasets" TEXT[] NOT NULL DEFAULT '{}';
CREATE INDEX "jobs_queued_idx" ON "jobs"("priority" DESC, "created_at") WHERE "status" = 'QUEUED' AND NOT "paused";
