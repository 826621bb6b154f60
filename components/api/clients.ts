import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { GraphService } from "../../gen/cyxwiz/v1/graph_service_pb";
import { JobService } from "../../gen/cyxwiz/v1/job_service_pb";

export interface Api {
  serverUrl: string;
  jobs: Client<typeof JobService>;
  graphs: Client<typeof GraphService>;
  /** GET a REST path on the same server, parsed as JSON. */
  rest<T>(path: string): Promise<T>;
}

export function createApi(serverUrl: string): Api {
  const transport = createConnectTransport({ baseUrl: serverUrl });
  return {
    serverUrl,
    jobs: createClient(JobService, transport),
    graphs: createClient(GraphService, transport),
    async rest<T>(path: string) {
      const response = await fetch(new URL(path, serverUrl));
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      return (await response.json()) as T;
    },
  };
}
