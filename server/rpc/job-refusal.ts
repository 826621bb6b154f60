import type { ConnectError } from "@connectrpc/connect";
import type { Access } from "../auth/capability";
import { JOB_TOKEN_HEADER } from "../../lib/wire/headers";
import type { JobStore } from "../jobs/job-store";
import type { JobStatusName } from "../jobs/job-status";
import { notFound, permissionDenied } from "./errors";

/**
 * What a caller is told of a job it may not read — the same words as for a job that does not
 * exist, so that no answer confirms that a private job is there.
 */
export const jobNotFoundMessage = (jobId: string) => `no job ${jobId} that you can see: it does not exist, or it is private (sign in as its owner, or send its job token in "${JOB_TOKEN_HEADER}")`;

export const jobNotFound = (jobId: string): ConnectError => notFound(jobNotFoundMessage(jobId));

/**
 * The refusal of a change to a job that its statement did not make: NOT_FOUND for a job the caller
 * cannot read (as for one that does not exist); PERMISSION_DENIED for a public job out of its
 * reach; or, for a job in reach, what `inState` says of the state the change cannot start from.
 */
export async function jobRefusal(jobs: JobStore, jobId: string, access: Access, inState: (status: JobStatusName) => ConnectError): Promise<ConnectError> {
  const found = await jobs.reach(jobId, access);
  if (!found || (!found.reachable && !found.public)) return jobNotFound(jobId);
  if (found.reachable) return inState(found.status);
  if (found.holder === "user") return permissionDenied(`job ${jobId} belongs to another user`);
  if (found.holder === "token") return permissionDenied(`job ${jobId} was submitted anonymously: send the job token its submission answered in "${JOB_TOKEN_HEADER}"`);
  return permissionDenied(`job ${jobId} has neither an owner nor a job token (submitted anonymously before job tokens, or its user was deleted): no one can change it`);
}
