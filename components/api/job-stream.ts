import { Code, ConnectError } from "@connectrpc/connect";
import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import type { WatchJobResponse } from "../../gen/cyxwiz/v1/job_service_pb";
import type { Api } from "./clients";
import { jobTokens } from "./job-tokens";

const TERMINAL = [JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.EXPIRED];
export const isTerminalStatus = (s: JobStatus) => TERMINAL.includes(s);

export interface JobStreamHandlers {
  /** Every message; snapshot is true for the first of each connection, which replaces what came before. */
  onUpdate(update: WatchJobResponse, snapshot: boolean): void;
  /** The stream dropped and will reconnect after a pause. */
  onInterrupted?(error: Error): void;
}

/**
 * Follows a job over WatchJob until it ends (or the signal aborts): a dropped stream reconnects
 * with backoff, and each connection starts with a full snapshot. Resolves with how it stopped.
 */
export async function followJobStream(api: Api, jobId: string, handlers: JobStreamHandlers, signal?: AbortSignal): Promise<"ended" | "not_found" | "aborted"> {
  for (let attempt = 0; !signal?.aborted; attempt++) {
    try {
      let snapshot = true;
      for await (const update of api.jobs.watchJob({ jobId }, { signal, ...jobTokens(api).optionsFor([jobId]) })) {
        handlers.onUpdate(update, snapshot);
        snapshot = false;
        attempt = 0;
        if (isTerminalStatus(update.status)) return "ended";
      }
    } catch (error) {
      if (signal?.aborted) return "aborted";
      // An id that is not a job's this browser can see (unknown, private, not even a job id) will not become one: no reason to reconnect.
      if (error instanceof ConnectError && (error.code === Code.NotFound || error.code === Code.InvalidArgument)) return "not_found";
      handlers.onInterrupted?.(error as Error);
    }
    await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
  }
  return "aborted";
}
