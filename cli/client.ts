import { createClient, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { JobService } from "../gen/cyxwiz/v1/job_service_pb";
import { PaymentService } from "../gen/cyxwiz/v1/payment_service_pb";

export function serverUrlFrom(flag: string | undefined): string {
  return (flag ?? process.env.CYXWIZ_SERVER_URL ?? "http://localhost:50051").replace(/\/$/, "");
}

/**
 * The server as the CLI's user: with CYXWIZ_API_KEY set, calls carry that key, so submitted jobs
 * are the key owner's (and a server that requires sign-in accepts them).
 */
function transportFor(serverUrl: string, apiKey = process.env.CYXWIZ_API_KEY): Transport {
  const interceptors: Interceptor[] = apiKey
    ? [
        (next) => (req) => {
          req.header.set("authorization", `Bearer ${apiKey}`);
          return next(req);
        },
      ]
    : [];
  return createConnectTransport({ baseUrl: serverUrl, httpVersion: "1.1", interceptors });
}

export function jobClient(serverUrl: string, apiKey?: string) {
  return createClient(JobService, transportFor(serverUrl, apiKey));
}

export function paymentClient(serverUrl: string, apiKey?: string) {
  return createClient(PaymentService, transportFor(serverUrl, apiKey));
}
