import { createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { JobService } from "../../gen/cyxwiz/v1/job_service_pb";
import { NodeService } from "../../gen/cyxwiz/v1/node_service_pb";

export function bearer(token: () => string): Interceptor {
  return (next) => (req) => {
    const value = token();
    if (value) req.header.set("authorization", `Bearer ${value}`);
    return next(req);
  };
}

/** Clients over the Connect protocol (HTTP/1.1), as browsers and the agent use. */
export function connectClients(baseUrl: string, token: () => string = () => "") {
  const transport = createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors: [bearer(token)] });
  return { jobs: createClient(JobService, transport), nodes: createClient(NodeService, transport) };
}

/** Clients over gRPC (HTTP/2 cleartext), as any gRPC client would. */
export function grpcClients(baseUrl: string, token: () => string = () => "") {
  const transport = createGrpcTransport({ baseUrl, interceptors: [bearer(token)] });
  return { jobs: createClient(JobService, transport), nodes: createClient(NodeService, transport) };
}
