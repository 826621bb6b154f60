-- A priced job's payment, exact to the lamport: what it costs, who pays and where the money waits
-- (its escrow address, derived from the platform key and the job id), until when an unpaid job
-- waits for its deposit, and the deposit's signature (escrow_tx, the seed's column). The seed's
-- payment_amount (SOL as a decimal) gives way to lamports as an integer: no rounding anywhere.
ALTER TABLE "jobs" DROP COLUMN "payment_amount";
ALTER TABLE "jobs" ADD COLUMN "price_lamports" BIGINT NOT NULL DEFAULT 0 CHECK ("price_lamports" >= 0);
ALTER TABLE "jobs" ADD COLUMN "payer_address" TEXT;
ALTER TABLE "jobs" ADD COLUMN "escrow_address" TEXT;
ALTER TABLE "jobs" ADD COLUMN "payment_deadline" TIMESTAMPTZ(3);
-- The expiry sweep finds unpaid jobs past their deadline by this.
CREATE INDEX "jobs_awaiting_payment_idx" ON "jobs"("payment_deadline") WHERE "status" = 'AWAITING_PAYMENT';
