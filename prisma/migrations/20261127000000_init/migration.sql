-- CreateTable
CREATE TABLE "nodes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "ip_address" TEXT,
    "port" INTEGER,
    "runtime" TEXT NOT NULL,
    "user_agent" TEXT,
    "cpu_cores" INTEGER NOT NULL,
    "ram_total" BIGINT NOT NULL,
    "compute_score" DOUBLE PRECISION NOT NULL,
    "backend" TEXT NOT NULL,
    "devices" JSONB NOT NULL,
    "wallet_address" TEXT,
    "public_key" TEXT,
    "region" TEXT,
    "status" TEXT NOT NULL,
    "reputation" DOUBLE PRECISION NOT NULL DEFAULT 50,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "nodes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "nodes_status_check" CHECK ("status" IN ('IDLE', 'BUSY', 'OFFLINE')),
    CONSTRAINT "nodes_reputation_check" CHECK ("reputation" >= 0 AND "reputation" <= 100)
);

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "user_id" UUID,
    "job_type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "model_config" JSONB NOT NULL,
    "hyperparameters" JSONB NOT NULL,
    "dataset_uri" TEXT NOT NULL,
    "dataset_id" UUID NOT NULL,
    "dataset_sha256" TEXT NOT NULL,
    "estimated_memory" BIGINT NOT NULL,
    "assigned_node" UUID,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "current_epoch" INTEGER NOT NULL DEFAULT 0,
    "total_epochs" INTEGER NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 3,
    "latest_metrics" JSONB NOT NULL DEFAULT '{}',
    "final_metrics" JSONB,
    "model_weights_uri" TEXT,
    "model_weights_sha256" TEXT,
    "backend" TEXT,
    "error" TEXT,
    "payment_amount" DECIMAL(20,8) NOT NULL DEFAULT 0,
    "escrow_tx" VARCHAR(88),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "assigned_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "jobs_status_check" CHECK ("status" IN ('QUEUED', 'ASSIGNED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    CONSTRAINT "jobs_job_type_check" CHECK ("job_type" IN ('TRAINING', 'EVALUATION', 'INFERENCE')),
    CONSTRAINT "jobs_progress_check" CHECK ("progress" >= 0 AND "progress" <= 1),
    -- A job on a node names the node; a queued or finished-before-assignment job names none.
    CONSTRAINT "jobs_assignment_check" CHECK (("status" IN ('ASSIGNED', 'RUNNING')) = ("assigned_node" IS NOT NULL) OR "status" IN ('COMPLETED', 'FAILED', 'CANCELLED'))
);

-- CreateTable
CREATE TABLE "job_attempts" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "job_attempts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "job_attempts_outcome_check" CHECK ("outcome" IN ('RUNNING', 'COMPLETED', 'FAILED', 'LOST', 'CANCELLED'))
);

-- CreateTable
CREATE TABLE "job_metrics" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "step" DOUBLE PRECISION NOT NULL,
    "epoch" INTEGER NOT NULL,
    "values" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_metrics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_logs" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID NOT NULL,
    "level" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metrics" (
    "id" BIGSERIAL NOT NULL,
    "node_id" UUID NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cpu_usage" REAL,
    "gpu_usage" REAL,
    "memory_used" BIGINT,
    "jobs_active" INTEGER NOT NULL,
    "samples_per_second" REAL,

    CONSTRAINT "metrics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "datasets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "sha256" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "spec" JSONB NOT NULL,
    "builtin" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "datasets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "artifacts" (
    "sha256" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "media_type" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "artifacts_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "server_settings" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "server_settings_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "nodes_status_last_seen_idx" ON "nodes"("status", "last_seen");

-- CreateIndex
CREATE INDEX "jobs_status_priority_created_at_idx" ON "jobs"("status", "priority" DESC, "created_at");

-- CreateIndex
CREATE INDEX "jobs_created_at_idx" ON "jobs"("created_at" DESC);

-- CreateIndex
CREATE INDEX "jobs_assigned_node_status_idx" ON "jobs"("assigned_node", "status");

-- CreateIndex
CREATE INDEX "job_attempts_node_id_outcome_idx" ON "job_attempts"("node_id", "outcome");

-- CreateIndex
CREATE UNIQUE INDEX "job_attempts_job_id_attempt_key" ON "job_attempts"("job_id", "attempt");

-- CreateIndex
CREATE INDEX "job_metrics_job_id_id_idx" ON "job_metrics"("job_id", "id");

-- CreateIndex
CREATE INDEX "job_logs_job_id_id_idx" ON "job_logs"("job_id", "id");

-- CreateIndex
CREATE INDEX "metrics_node_id_timestamp_idx" ON "metrics"("node_id", "timestamp");

-- CreateIndex
CREATE UNIQUE INDEX "datasets_name_key" ON "datasets"("name");

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_assigned_node_fkey" FOREIGN KEY ("assigned_node") REFERENCES "nodes"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_attempts" ADD CONSTRAINT "job_attempts_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_attempts" ADD CONSTRAINT "job_attempts_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_metrics" ADD CONSTRAINT "job_metrics_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_logs" ADD CONSTRAINT "job_logs_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metrics" ADD CONSTRAINT "metrics_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
