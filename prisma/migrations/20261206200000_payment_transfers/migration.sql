-- The payments ledger (server/payments/). A release or refund is an intent before it is signed and
-- carries its signature before it is sent; reconciliation settles open rows against the chain. The
-- partial unique indexes are the never-pay-twice rule: while one release of a job's attempt (or one
-- refund of a job) is live — intent, sent or confirmed — no other can be written; only a transfer the
-- chain shows failed or expired (it can never land) makes room for a retry. A signature counts once,
-- so a deposit cannot be claimed by two jobs. No foreign key to jobs: the books outlive a deleted job.
CREATE TABLE "payment_transfers" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "job_id" UUID NOT NULL,
  "attempt" INTEGER,
  "kind" TEXT NOT NULL,
  "from_address" TEXT NOT NULL,
  "to_address" TEXT NOT NULL,
  "lamports" BIGINT NOT NULL,
  "fee_lamports" BIGINT NOT NULL DEFAULT 0,
  "treasury_address" TEXT,
  "state" TEXT NOT NULL,
  "signature" TEXT,
  "last_valid_block_height" BIGINT,
  "error" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "payment_transfers_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "payment_transfers_kind" CHECK ("kind" IN ('deposit', 'release', 'refund')),
  CONSTRAINT "payment_transfers_state" CHECK ("state" IN ('intent', 'sent', 'confirmed', 'failed', 'expired')),
  CONSTRAINT "payment_transfers_amounts" CHECK ("lamports" >= 0 AND "fee_lamports" >= 0 AND "fee_lamports" <= "lamports"),
  CONSTRAINT "payment_transfers_attempt" CHECK (("kind" = 'release') = ("attempt" IS NOT NULL)),
  CONSTRAINT "payment_transfers_signed" CHECK ("state" = 'intent' OR "state" = 'expired' OR "signature" IS NOT NULL)
);
CREATE UNIQUE INDEX "payment_transfers_signature_key" ON "payment_transfers"("signature");
CREATE INDEX "payment_transfers_job_id_idx" ON "payment_transfers"("job_id");
CREATE UNIQUE INDEX "payment_transfers_one_release" ON "payment_transfers"("job_id", "attempt") WHERE "kind" = 'release' AND "state" IN ('intent', 'sent', 'confirmed');
CREATE UNIQUE INDEX "payment_transfers_one_refund" ON "payment_transfers"("job_id") WHERE "kind" = 'refund' AND "state" IN ('intent', 'sent', 'confirmed');
CREATE INDEX "payment_transfers_open" ON "payment_transfers"("created_at") WHERE "state" IN ('intent', 'sent');
