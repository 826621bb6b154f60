-- Whether a node holds an assignment feed (stream or socket) on some instance now: requests and
-- deployments go only to connected nodes, so a node whose process died stops being chosen the
-- moment its connection closes, not a heartbeat timeout later. feed_generation counts the feeds
-- opened, so the close of an old feed (on another instance) never clears a newer one's mark.
ALTER TABLE "nodes" ADD COLUMN "feed_open" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "nodes" ADD COLUMN "feed_generation" INTEGER NOT NULL DEFAULT 0;
