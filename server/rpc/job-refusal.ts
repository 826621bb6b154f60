import type { ConnectError } from "@connectrpc/connect";
import type { Access } from "../auth/capability";
import { JOB_TOKEN_HEADER } from "../../lib/wire/headers";
import type { JobStore } from "../jobs/job-store";
import type { JobStatusName } from "../jobs/job-status";
import { notFound, permissionDenied } from "./errors";

/**
 * The refusal of a change to a job that its statement did not make: NOT_FOUND; PERMISSION_DENIED
 * for a job out of the caller's reach (job ids are public, so saying it exists leaks nothing); or,
 * for a job in reach, what `inState` says of the state the change cannot start from.
 */
export async function jobRefusal(jobs: JobStore, jobId: string, access: Access, inState: (status: JobStatusName) => ConnectError): Promise<ConnectError> {
  const found = await jobs.reach(jobId, access);
  if (!found) return notFound(`job ${jobId} does not exist`);
  if (found.reachable) return inState(found.status);
  if (found.holder === "user") return permissionDenied(`job ${jobId} belongs to another user`);
  if (found.holder === "token") return permissionDenied(`job ${jobId} was submitted anonymously: send the job token its submission answered in "${JOB_TOKEN_HEADER}"`);
  return permissionDenied(`job ${jobId} has neither an owner nor a job token (submitted anonymously before job tokens, or its user was deleted): no one can change it`);
}
