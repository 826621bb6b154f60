import type { Prisma } from "../../db/database";
import type { JobRow } from "../job-row";

export interface NewJob {
  /** Chosen before the insert, since an anonymous job's token is derived from it. */
  id: string;
  name: string;
  /** The submitting user; undefined for an anonymous job. */
  userId?: string;
  /** An anonymous job's: the SHA-256 of its job token. Never with a user. */
  tokenHash?: string;
  jobType: string;
  priority: number;
  modelConfig: object;
  hyperparameters: object;
  datasetUri: string;
  datasetId: string;
  datasetSha256: string;
  estimatedMemory: bigint;
  totalEpochs: number;
  /** Readable by anyone from the start. */
  public?: boolean;
  /** A priced job's payment: it waits in AWAITING_PAYMENT for its deposit; a free job is queued at once. */
  payment?: { priceLamports: bigint; payerAddress: string; escrowAddress: string; deadline: Date };
}

/** The submitter's Idempotency-Key, and the SHA-256 of the request it came with. */
export interface Idempotency {
  key: string;
  requestSha256: string;
}

export type Created = { job: JobRow; created: boolean } | { conflict: "other_request"; job: JobRow };

/**
 * Stores a submitted job (submit → QUEUED, or AWAITING_PAYMENT when it is priced). With an idempotency key the insert and the check for an earlier
 * submission under the same key are one statement: a retry finds the job the first request stored
 * (created false), and the key reused for a different request finds a conflict. Two concurrent
 * submissions with one key store one job.
 */
export async function createJob(prisma: Prisma, job: NewJob, idempotency?: Idempotency): Promise<Created> {
  const { payment, ...columns } = job;
  const status = payment ? "AWAITING_PAYMENT" : "QUEUED";
  const paid = payment
    ? { priceLamports: payment.priceLamports, payerAddress: payment.payerAddress, escrowAddress: payment.escrowAddress, paymentDeadline: payment.deadline }
    : { priceLamports: 0n, payerAddress: null, escrowAddress: null, paymentDeadline: null };
  if (!idempotency) return { job: (await prisma.job.create({ data: { ...columns, ...paid, status } })) as JobRow, created: true };
  const [row] = await prisma.$queryRaw<{ id: string; created: boolean; request_sha256: string }[]>`
    WITH inserted AS (
      INSERT INTO jobs (id, name, user_id, token_hash, job_type, status, priority, model_config, hyperparameters, dataset_uri, dataset_id, dataset_sha256,
                        estimated_memory, total_epochs, public, price_lamports, payer_address, escrow_address, payment_deadline, idempotency_key, request_sha256)
      VALUES (${job.id}::uuid, ${job.name}, ${job.userId ?? null}::uuid, ${job.tokenHash ?? null}, ${job.jobType}, ${status}, ${job.priority}, ${JSON.stringify(job.modelConfig)}::jsonb,
              ${JSON.stringify(job.hyperparameters)}::jsonb, ${job.datasetUri}, ${job.datasetId}::uuid, ${job.datasetSha256},
              ${job.estimatedMemory}, ${job.totalEpochs}, ${job.public ?? false}, ${paid.priceLamports}, ${paid.payerAddress}, ${paid.escrowAddress},
              ${paid.paymentDeadline}::timestamptz, ${idempotency.key}, ${idempotency.requestSha256})
      ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
      RETURNING id, request_sha256)
    SELECT id::text AS id, TRUE AS created, request_sha256 FROM inserted
    UNION ALL
    SELECT id::text, FALSE, request_sha256 FROM jobs
    WHERE user_id IS NOT DISTINCT FROM ${job.userId ?? null}::uuid AND idempotency_key = ${idempotency.key} AND NOT EXISTS (SELECT 1 FROM inserted)`;
  // Nothing when a concurrent submission with the key committed while this statement waited for
  // it: its row is outside this statement's snapshot, and visible to the next one.
  const earlier = row ?? { ...(await submittedUnder(prisma, job.userId, idempotency.key)), created: false };
  const stored = (await prisma.job.findUnique({ where: { id: earlier.id } })) as JobRow;
  if (earlier.created || earlier.request_sha256 === idempotency.requestSha256) return { job: stored, created: earlier.created };
  return { conflict: "other_request", job: stored };
}

async function submittedUnder(prisma: Prisma, userId: string | undefined, key: string): Promise<{ id: string; request_sha256: string }> {
  const [row] = await prisma.$queryRaw<{ id: string; request_sha256: string }[]>`
    SELECT id::text AS id, request_sha256 FROM jobs WHERE user_id IS NOT DISTINCT FROM ${userId ?? null}::uuid AND idempotency_key = ${key}`;
  if (!row) throw new Error(`no job stored or found under idempotency key ${key}`);
  return row;
}
