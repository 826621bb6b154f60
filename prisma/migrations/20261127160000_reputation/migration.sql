-- Reputation's consequences: strikes counted, bans until a time (server/nodes/reputation.ts).
ALTER TABLE "nodes" ADD COLUMN "strikes" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "nodes" ADD COLUMN "banned_until" TIMESTAMPTZ(3);
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_reputation_range" CHECK ("reputation" >= 0 AND "reputation" <= 100);
