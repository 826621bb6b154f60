-- Trained models served by nodes for the inference gateway.
CREATE TABLE "deployments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "job_id" UUID NOT NULL,
    "user_id" UUID,
    -- The node serving it (or asked to); NULL while none is.
    "node_id" UUID,
    -- PENDING | READY | FAILED
    "status" TEXT NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "deployments_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE,
    CONSTRAINT "deployments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE,
    CONSTRAINT "deployments_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE SET NULL,
    CONSTRAINT "deployments_status_valid" CHECK ("status" IN ('PENDING', 'READY', 'FAILED')),
    CONSTRAINT "deployments_ready_has_node" CHECK ("status" <> 'READY' OR "node_id" IS NOT NULL)
);
CREATE UNIQUE INDEX "deployments_name_key" ON "deployments"("name");
CREATE INDEX "deployments_node_id_idx" ON "deployments"("node_id");
