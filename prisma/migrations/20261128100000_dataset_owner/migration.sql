-- A dataset's owner: the signed-in user who uploaded it, who alone may delete it. Built-in
-- datasets and anonymous uploads have none (and so are never deleted through the API).
ALTER TABLE "datasets" ADD COLUMN "owner_id" UUID;
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE SET NULL;
CREATE INDEX "datasets_owner_id_idx" ON "datasets"("owner_id");

-- A finished job outlives the dataset it trained on: it keeps the dataset's URI and hash.
ALTER TABLE "jobs" ALTER COLUMN "dataset_id" DROP NOT NULL;
ALTER TABLE "jobs" DROP CONSTRAINT "jobs_dataset_id_fkey";
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "jobs_dataset_id_status_idx" ON "jobs"("dataset_id", "status");
