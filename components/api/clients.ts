import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { DeploymentService } from "../../gen/cyxwiz/v1/deployment_service_pb";
import { GraphService } from "../../gen/cyxwiz/v1/graph_service_pb";
import { JobService } from "../../gen/cyxwiz/v1/job_service_pb";
import type { DatasetRecord } from "../../lib/data/dataset-record";

export interface Api {
  serverUrl: string;
  jobs: Client<typeof JobService>;
  graphs: Client<typeof GraphService>;
  deployments: Client<typeof DeploymentService>;
  /** GET a REST path on the same server, parsed as JSON. */
  rest<T>(path: string): Promise<T>;
  /** Registers a CXDS file as a new dataset; a refusal throws with the server's reason. */
  uploadDataset(name: string, file: Uint8Array): Promise<DatasetRecord>;
}

export function createApi(serverUrl: string): Api {
  const transport = createConnectTransport({ baseUrl: serverUrl });
  return {
    serverUrl,
    jobs: createClient(JobService, transport),
    graphs: createClient(GraphService, transport),
    deployments: createClient(DeploymentService, transport),
    async rest<T>(path: string) {
      const response = await fetch(new URL(path, serverUrl));
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      return (await response.json()) as T;
    },
    async uploadDataset(name, file) {
      const url = new URL(`/api/v1/datasets?name=${encodeURIComponent(name)}`, serverUrl);
      const response = await fetch(url, { method: "POST", body: file.slice(), headers: { "content-type": "application/octet-stream" } });
      const body = (await response.json()) as DatasetRecord & { error?: { message?: string } };
      if (!response.ok) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
      return body;
    },
  };
}
