-- A job its owner paused: not handed out while queued; held on its node while running.
ALTER TABLE "jobs" ADD COLUMN "paused" BOOLEAN NOT NULL DEFAULT false;
