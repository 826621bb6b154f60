-- A node is its ed25519 public key: registering again with the same key is the same node.
-- last_challenge_ms is the issue time of the newest registration challenge the node signed, so
-- a recorded registration can never be replayed.
CREATE UNIQUE INDEX "nodes_public_key_key" ON "nodes"("public_key");
ALTER TABLE "nodes" ADD COLUMN "last_challenge_ms" BIGINT;
