import type { MessageInitShape } from "@bufbuild/protobuf";
import { createClient, createRouterTransport, type CallOptions, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { JobService, type SubmitJobResponse } from "../../gen/cyxwiz/v1/job_service_pb";
import { NodeService, type NodeInfoSchema } from "../../gen/cyxwiz/v1/node_service_pb";
import { ephemeralIdentity } from "../../lib/compute/identity";
import { registerNode } from "../../lib/compute/register";
import { JOB_TOKEN_HEADER, MAX_CAPABILITIES } from "../../lib/wire/headers";
import type { ServerContext } from "../../server/context";
import { rpcRouterOptions, rpcRoutes } from "../../server/rpc/routes";

export function bearer(token: () => string): Interceptor {
  return (next) => (req) => {
    const value = token();
    if (value) req.header.set("authorization", `Bearer ${value}`);
    return next(req);
  };
}

/** Call options that send an anonymous job's token, as its submitter does to change it. */
export const withJobToken = (token: string): CallOptions => ({ headers: { [JOB_TOKEN_HEADER]: token } });

/**
 * Keeps the job tokens SubmitJob answers these clients and sends them with every later JobService
 * call that sends none of its own, as the Engine and the CLI do: these clients read and change the
 * anonymous jobs they submitted, and no other client does.
 */
function submittedJobTokens(): Interceptor {
  const held: string[] = [];
  return (next) => async (req) => {
    if (req.service.typeName === JobService.typeName && held.length > 0 && !req.header.has(JOB_TOKEN_HEADER)) req.header.set(JOB_TOKEN_HEADER, held.slice(-MAX_CAPABILITIES).join(","));
    const res = await next(req);
    if (!res.stream && req.method.name === "SubmitJob") {
      const { jobToken } = res.message as SubmitJobResponse;
      if (jobToken) held.push(jobToken);
    }
    return res;
  };
}

/** Every RPC service of a server context in this process, behind the server's own interceptors: no network in between. */
export function inProcessTransport(ctx: ServerContext, token: () => string = () => ""): Transport {
  return createRouterTransport(rpcRoutes(ctx), { router: rpcRouterOptions(ctx), transport: { interceptors: [bearer(token)] } });
}

/** Clients over the Connect protocol (HTTP/1.1), as browsers and the agent use; they read the anonymous jobs they submit (submittedJobTokens). */
export function connectClients(baseUrl: string, token: () => string = () => "") {
  const transport = createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors: [bearer(token), submittedJobTokens()] });
  return { jobs: createClient(JobService, transport), nodes: createClient(NodeService, transport) };
}

/** Clients over gRPC (HTTP/2 cleartext), as any gRPC client would; they too read the anonymous jobs they submit. */
export function grpcClients(baseUrl: string, token: () => string = () => "") {
  const transport = createGrpcTransport({ baseUrl, interceptors: [bearer(token), submittedJobTokens()] });
  return { jobs: createClient(JobService, transport), nodes: createClient(NodeService, transport) };
}

/**
 * A new node identity registered with the server, and Connect clients that call as that node
 * (its session token travels with every call).
 */
export async function connectAsNewNode(baseUrl: string, info: MessageInitShape<typeof NodeInfoSchema> = { cpuCores: 1, ramTotal: 8_000_000_000n, computeScore: 1 }) {
  let token = "";
  const clients = connectClients(baseUrl, () => token);
  const identity = await ephemeralIdentity();
  const registered = await registerNode(clients.nodes, identity, info);
  token = registered.sessionToken;
  return { ...clients, identity, nodeId: registered.nodeId, sessionToken: registered.sessionToken };
}
