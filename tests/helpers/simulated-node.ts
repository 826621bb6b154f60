import { create } from "@bufbuild/protobuf";
import { NodeInfoSchema } from "../../gen/cyxwiz/v1/node_service_pb";
import { uploadArtifact } from "../../lib/compute/artifacts-client";
import { connectClients } from "./clients";

/** The smallest model the server accepts as a trained result: one float32 weight vector of length 2. */
export async function uploadTinyModel(serverUrl: string, token: string): Promise<{ uri: string; sha256: string }> {
  const upload = new URL("/api/v1/artifacts", serverUrl).toString();
  const weights = await uploadArtifact(upload, new Uint8Array(new Float32Array([1, 2]).buffer), token, "application/octet-stream");
  const modelJson = {
    format: "layers-model",
    modelTopology: { class_name: "Sequential", config: { layers: [] } },
    weightsManifest: [{ paths: [weights.sha256], weights: [{ name: "w", shape: [2], dtype: "float32" }] }],
  };
  return uploadArtifact(upload, new TextEncoder().encode(JSON.stringify(modelJson)), token, "application/json");
}

/**
 * A stand-in compute node for scheduler tests: registers, holds an assignment stream, and
 * completes every job it is given at once (no training), recording what it received.
 */
export class SimulatedNode {
  readonly received: string[] = [];
  nodeId = "";
  private token = "";
  private readonly stop = new AbortController();
  private readonly clients;

  constructor(private readonly serverUrl: string) {
    this.clients = connectClients(serverUrl, () => this.token);
  }

  async start(): Promise<void> {
    const registered = await this.clients.nodes.registerNode({
      info: create(NodeInfoSchema, { name: "simulated", runtime: "node", cpuCores: 1, ramTotal: 8_000_000_000n, computeScore: 1 }),
    });
    this.nodeId = registered.nodeId;
    this.token = registered.sessionToken;
    const model = await uploadTinyModel(this.serverUrl, this.token);
    const stream = this.clients.nodes.watchAssignments({ nodeId: this.nodeId }, { signal: this.stop.signal });
    void (async () => {
      try {
        for await (const message of stream) {
          if (message.event.case !== "assignment") continue;
          const jobId = message.event.value.jobId;
          this.received.push(jobId);
          await this.clients.nodes.reportCompletion({
            nodeId: this.nodeId,
            jobId,
            modelWeightsUri: model.uri,
            modelWeightsSha256: model.sha256,
            finalMetrics: { accuracy: 1 },
          });
        }
      } catch (error) {
        if (!this.stop.signal.aborted) throw error;
      }
    })();
  }

  close(): void {
    this.stop.abort();
  }
}
