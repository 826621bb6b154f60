-- A job submitted without credentials belongs to whoever holds its job token (kept as SHA-256
-- only); a signed-in submitter's job belongs to the user. Never both. Jobs that have neither —
-- anonymous jobs submitted before this, and jobs whose user was deleted — can be changed by no
-- one through the API (an operator may give them an owner with SQL).
ALTER TABLE "jobs" ADD COLUMN "token_hash" TEXT;
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_owner_or_token" CHECK ("user_id" IS NULL OR "token_hash" IS NULL);
CREATE UNIQUE INDEX "jobs_token_hash_key" ON "jobs"("token_hash");
