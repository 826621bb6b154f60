import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { JobService } from "../gen/cyxwiz/v1/job_service_pb";

export function serverUrlFrom(flag: string | undefined): string {
  return (flag ?? process.env.CYXWIZ_SERVER_URL ?? "http://localhost:50051").replace(/\/$/, "");
}

export function jobClient(serverUrl: string) {
  return createClient(JobService, createConnectTransport({ baseUrl: serverUrl, httpVersion: "1.1" }));
}
