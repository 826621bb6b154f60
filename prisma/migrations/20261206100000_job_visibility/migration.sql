-- Jobs, their curves, logs and models are read by their owner (or, anonymous, their job token's
-- holder) alone, unless the owner makes the job public. Every job so far was readable by anyone;
-- from here on none is until its owner says so.
ALTER TABLE "jobs" ADD COLUMN "public" BOOLEAN NOT NULL DEFAULT false;
