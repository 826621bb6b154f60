import { createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { JobService } from "../gen/cyxwiz/v1/job_service_pb";

export function serverUrlFrom(flag: string | undefined): string {
  return (flag ?? process.env.CYXWIZ_SERVER_URL ?? "http://localhost:50051").replace(/\/$/, "");
}

/**
 * JobService as the CLI's user: with CYXWIZ_API_KEY set, calls carry that key, so submitted jobs
 * are the key owner's (and a server that requires sign-in accepts them).
 */
export function jobClient(serverUrl: string, apiKey = process.env.CYXWIZ_API_KEY) {
  const interceptors: Interceptor[] = apiKey
    ? [
        (next) => (req) => {
          req.header.set("authorization", `Bearer ${apiKey}`);
          return next(req);
        },
      ]
    : [];
  return createClient(JobService, createConnectTransport({ baseUrl: serverUrl, httpVersion: "1.1", interceptors }));
}
