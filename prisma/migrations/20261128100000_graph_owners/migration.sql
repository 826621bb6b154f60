-- A saved graph belongs to the user who saved it, or, saved anonymously, to whoever holds its
-- graph token (kept as SHA-256 only). Never both. Graphs saved before this have neither: no one
-- can reach them through GraphService (an operator may give them an owner with SQL).
ALTER TABLE "graphs" ADD COLUMN "owner_id" UUID;
ALTER TABLE "graphs" ADD COLUMN "token_hash" TEXT;
ALTER TABLE "graphs" ADD CONSTRAINT "graphs_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "graphs" ADD CONSTRAINT "graphs_owner_or_token" CHECK ("owner_id" IS NULL OR "token_hash" IS NULL);
CREATE UNIQUE INDEX "graphs_token_hash_key" ON "graphs"("token_hash");
CREATE INDEX "graphs_owner_id_updated_at_idx" ON "graphs"("owner_id", "updated_at");
