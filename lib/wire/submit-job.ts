import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import type { JobService, SubmitJobRequestSchema, SubmitJobResponse } from "../../gen/cyxwiz/v1/job_service_pb";
import { IDEMPOTENCY_HEADER } from "./headers";

/** Waits before each retry: the server restarting, a proxy hiccup, a lost answer. */
const RETRY_DELAYS_MS = [500, 1500, 4000];

/**
 * SubmitJob as the CLI and the Engine send it: under one idempotency key, retried while the server
 * is unreachable or the answer is lost. The server stored at most one job whatever happened, and a
 * retry answers with it, so a submission never runs twice.
 */
export async function submitJobOnce(
  client: Client<typeof JobService>,
  request: MessageInitShape<typeof SubmitJobRequestSchema>,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<SubmitJobResponse> {
  const headers = { [IDEMPOTENCY_HEADER]: crypto.randomUUID() };
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.submitJob(request, { headers });
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !(error instanceof ConnectError) || ![Code.Unavailable, Code.DeadlineExceeded, Code.Unknown].includes(error.code)) throw error;
      await wait(delay);
    }
  }
}
