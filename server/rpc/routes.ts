import type { ConnectRouter, ConnectRouterOptions } from "@connectrpc/connect";
import { AuthService } from "../../gen/cyxwiz/v1/auth_service_pb";
import { DatasetService } from "../../gen/cyxwiz/v1/dataset_service_pb";
import { DeploymentService } from "../../gen/cyxwiz/v1/deployment_service_pb";
import { NodeDiscoveryService } from "../../gen/cyxwiz/v1/discovery_service_pb";
import { GraphService } from "../../gen/cyxwiz/v1/graph_service_pb";
import { JobService } from "../../gen/cyxwiz/v1/job_service_pb";
import { NodeService } from "../../gen/cyxwiz/v1/node_service_pb";
import { PaymentService } from "../../gen/cyxwiz/v1/payment_service_pb";
import { authInterceptor } from "../auth/credentials";
import type { ServerContext } from "../context";
import { authService } from "./auth-service";
import { datasetService } from "./dataset-service";
import { deploymentService } from "./deployment-service";
import { discoveryService } from "./discovery-service";
import { graphService } from "./graph-service";
import { jobService } from "./job-service";
import { nodeService } from "./node-service";
import { paymentService } from "./payment-service";
import { answerUndecodableAsInvalidArgument, requestDecodingInterceptor, strictJson } from "./request-decoding";

/** Every RPC service of the server. */
export function rpcRoutes(ctx: ServerContext): (router: ConnectRouter) => void {
  return (router) => {
    router.service(JobService, jobService(ctx));
    router.service(NodeService, nodeService(ctx));
    router.service(GraphService, graphService(ctx));
    router.service(AuthService, authService(ctx));
    router.service(DeploymentService, deploymentService(ctx));
    router.service(NodeDiscoveryService, discoveryService(ctx));
    router.service(DatasetService, datasetService(ctx));
    router.service(PaymentService, paymentService(ctx));
    answerUndecodableAsInvalidArgument(router);
  };
}

/** What every router serving these services needs: strict JSON, the interceptors that tell a request it cannot be read, and who calls. */
export function rpcRouterOptions(ctx: Pick<ServerContext, "users" | "tokens">): Pick<ConnectRouterOptions, "interceptors" | "jsonOptions"> {
  return { jsonOptions: strictJson, interceptors: [requestDecodingInterceptor, authInterceptor(ctx)] };
}
