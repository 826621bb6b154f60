import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthService } from "../../gen/cyxwiz/v1/auth_service_pb";
import { DeploymentService, DeploymentStatus } from "../../gen/cyxwiz/v1/deployment_service_pb";
import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import { JobService } from "../../gen/cyxwiz/v1/job_service_pb";
import type { NodeAgent } from "../../lib/compute/agent";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { startAgent } from "../helpers/agent";
import { bearer } from "../helpers/clients";
import { startTestServer } from "../helpers/context";
import { waitFor } from "../helpers/wait";

const MODEL = "failover-digits";

/**
 * A served model outlives the node serving it: when that node goes away (its assignment stream
 * closes, as when its process dies), the next request moves the deployment to another node instead
 * of waiting out the relay's time limit, and with no node left it is told to come back later.
 */
describe("a deployment whose serving node goes away", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const agents: NodeAgent[] = [];
  let apiKey: string;
  let deploymentId: string;
  const rpc = (credential: string) => createConnectTransport({ baseUrl: server.rpcUrl, httpVersion: "1.1", interceptors: [bearer(() => credential)] });
  const predict = () =>
    fetch(`${server.httpUrl}/v1/predict`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, inputs: [Array.from({ length: 784 }, (_, i) => (i % 29) * 8)] }),
    });
  const servingNodeId = async () => (await server.context.deployments.get(deploymentId))?.nodeId;

  beforeAll(async () => {
    server = await startTestServer({ heartbeatSeconds: 2 });
    agents.push(await startAgent(server.rpcUrl), await startAgent(server.rpcUrl));
    const session = (await createClient(AuthService, rpc("")).signUp({ email: "server@example.com", password: "a long enough password" })).session;
    const accessToken = session?.accessToken as string;
    apiKey = (await createClient(AuthService, rpc(accessToken)).createApiKey({ name: "failover", rateLimitPerMinute: 1000 })).apiKey;
    const jobs = createClient(JobService, rpc(accessToken));
    const { job } = await jobs.submitJob({
      config: { name: "digits", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: { ...mlpDigits.hyperparameters, epochs: 1 } },
    });
    await waitFor(async () => (await jobs.getJob({ jobId: job?.id })).job?.status === JobStatus.COMPLETED, 120_000);
    const deployments = createClient(DeploymentService, rpc(accessToken));
    const { deployment } = await deployments.createDeployment({ jobId: job?.id, name: MODEL });
    deploymentId = deployment?.deploymentId as string;
    await waitFor(async () => (await deployments.listDeployments({})).deployments.find((d) => d.deploymentId === deploymentId)?.status === DeploymentStatus.READY, 60_000);
    expect((await predict()).status).toBe(200);
  });
  afterAll(async () => {
    await Promise.all(agents.filter((a) => a.state.phase !== "stopped").map((a) => a.stop()));
    await server?.close();
  });

  it("is served by the other node when its node goes away", async () => {
    const gone = await servingNodeId();
    await agents.find((a) => a.state.nodeId === gone)?.stop();
    const response = await predict();
    expect(response.status).toBe(200);
    expect(((await response.json()) as { outputs: number[][] }).outputs[0]).toHaveLength(10);
    const now = await servingNodeId();
    expect(now).not.toBe(gone);
    expect(agents.some((a) => a.state.nodeId === now)).toBe(true);
  });

  it("tells the caller to come back later when no node is left to serve it", async () => {
    const serving = await servingNodeId();
    await agents.find((a) => a.state.nodeId === serving)?.stop();
    const response = await predict();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
  });
});
