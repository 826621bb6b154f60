-- A priced job's payment, exact to the lamport: what it costs, who pays and where the money waits
-- (its escrow address, derived from the platform key and the job id), until when an unpaid job
-- waits for its deposit, and the deposit's signature (escrow_tx, the seed's column). The seed's
-- payment_amount (SOL as a decimal) gives way to lamports as an integer: no rounding anywhere.
ALTER TABLE "jobs" DROP COLUMN "payment_amount";
ALTER TABLE "jobs" ADD COLUMN "price_lamports" BIGINT NOT NULL DEFAULT 0 CHECK ("price_lamports" >= 0);
ALTER TABLE "jobs" ADD COLUMN "payer_address" TEXT;
ALTER TABLE "jobs" ADD COLUMN "escrow_address" TEXT;
ALTER TABLE "jobs" ADD COLUMN "payment_deadline" TIMESTAMPTZ(3);
-- Set once an ended priced job's money is where it belongs (released, refunded, or nothing left):
-- the settlement sweep never looks at it again.
ALTER TABLE "jobs" ADD COLUMN "payment_settled_at" TIMESTAMPTZ(3);
-- The settlement's transactions, for the job's page (the ledger, payment_transfers, has every attempt).
ALTER TABLE "jobs" ADD COLUMN "release_tx" VARCHAR(88);
ALTER TABLE "jobs" ADD COLUMN "refund_tx" VARCHAR(88);
CREATE INDEX "jobs_unsettled_idx" ON "jobs"("status") WHERE "price_lamports" > 0 AND "payment_settled_at" IS NULL;
-- The expiry sweep finds unpaid jobs past their deadline by this.
CREATE INDEX "jobs_awaiting_payment_idx" ON "jobs"("payment_deadline") WHERE "status" = 'AWAITING_PAYMENT';
-- The two states payments add (server/jobs/job-status.ts).
ALTER TABLE "jobs" DROP CONSTRAINT "jobs_status_check";
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_status_check" CHECK ("status" IN ('AWAITING_PAYMENT', 'QUEUED', 'ASSIGNED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'));
