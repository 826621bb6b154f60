-- CreateTable
CREATE TABLE "graphs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "node_count" INTEGER NOT NULL,
    "total_params" BIGINT NOT NULL,
    "valid" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "graphs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "graphs_revision_check" CHECK ("revision" >= 1)
);

-- CreateTable
CREATE TABLE "graph_revisions" (
    "graph_id" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "saved_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "graph_revisions_pkey" PRIMARY KEY ("graph_id", "revision")
);

-- CreateIndex
CREATE INDEX "graphs_updated_at_idx" ON "graphs"("updated_at");

-- AddForeignKey
ALTER TABLE "graph_revisions" ADD CONSTRAINT "graph_revisions_graph_id_fkey" FOREIGN KEY ("graph_id") REFERENCES "graphs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
