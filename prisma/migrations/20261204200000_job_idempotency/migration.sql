-- SubmitJob's Idempotency-Key: a retried submission (its answer lost) finds the job the first one
-- stored instead of creating another. Keys are the submitter's: the same key from two users is two
-- keys (anonymous submitters share the null user). request_sha256 tells a retry from a reuse of the
-- key for a different request.
ALTER TABLE "jobs" ADD COLUMN "idempotency_key" TEXT;
ALTER TABLE "jobs" ADD COLUMN "request_sha256" TEXT;
CREATE UNIQUE INDEX "jobs_idempotency_key" ON "jobs" ("user_id", "idempotency_key") NULLS NOT DISTINCT WHERE "idempotency_key" IS NOT NULL;
