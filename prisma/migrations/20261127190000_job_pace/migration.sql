-- A running job's latest pace, time left and tensor memory on its node, from its progress reports.
ALTER TABLE "jobs" ADD COLUMN "samples_per_second" REAL NOT NULL DEFAULT 0;
ALTER TABLE "jobs" ADD COLUMN "eta_seconds" REAL NOT NULL DEFAULT 0;
ALTER TABLE "jobs" ADD COLUMN "memory_bytes" BIGINT NOT NULL DEFAULT 0;
