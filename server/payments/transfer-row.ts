import { Prisma as PrismaNamespace, type Transfer } from "../db/generated/client";
import type { Prisma } from "../db/database";

export type { Transfer };
export type Sql = Pick<Prisma, "$queryRaw">;
export type TransferKind = "deposit" | "release" | "refund";
export type TransferState = "intent" | "sent" | "confirmed" | "failed" | "expired";

/** Still able to move lamports, or done so: the states the never-pay-twice indexes cover. */
export const LIVE_STATES: readonly TransferState[] = ["intent", "sent", "confirmed"];
/** Not settled yet: what reconciliation looks at. */
export const OPEN_STATES: readonly TransferState[] = ["intent", "sent"];

/** The table's columns under the names of Prisma's `Transfer`, so a raw statement's rows are Transfers. */
export const TRANSFER_COLUMNS = PrismaNamespace.raw(
  `id::text AS id, job_id::text AS "jobId", attempt, kind, from_address AS "fromAddress", to_address AS "toAddress", lamports, fee_lamports AS "feeLamports", ` +
    `treasury_address AS "treasuryAddress", state, signature, last_valid_block_height AS "lastValidBlockHeight", error, created_at AS "createdAt", updated_at AS "updatedAt"`,
);
