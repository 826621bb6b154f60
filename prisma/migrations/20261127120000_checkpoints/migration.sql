-- A job's latest checkpoint (an artifact): a job taken back from a node resumes from it.
ALTER TABLE "jobs" ADD COLUMN "checkpoint_sha256" TEXT;
ALTER TABLE "jobs" ADD COLUMN "checkpoint_epoch" INTEGER;
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_checkpoint_complete" CHECK (("checkpoint_sha256" IS NULL) = ("checkpoint_epoch" IS NULL));
