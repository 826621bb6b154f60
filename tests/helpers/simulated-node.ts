import { uploadArtifact } from "../../lib/compute/artifacts-client";
import { connectAsNewNode } from "./clients";

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
  private readonly stop = new AbortController();
  private client?: Awaited<ReturnType<typeof connectAsNewNode>>["nodes"];

  constructor(private readonly serverUrl: string) {}

  async start(): Promise<void> {
    const node = await connectAsNewNode(this.serverUrl, { name: "simulated", runtime: "node", cpuCores: 1, ramTotal: 8_000_000_000n, computeScore: 1 });
    this.nodeId = node.nodeId;
    this.client = node.nodes;
    const model = await uploadTinyModel(this.serverUrl, node.sessionToken);
    const stream = node.nodes.watchAssignments({ nodeId: this.nodeId }, { signal: this.stop.signal });
    void (async () => {
      try {
        for await (const message of stream) {
          if (message.event.case !== "assignment") continue;
          const { jobId, jobToken } = message.event.value;
          this.received.push(jobId);
          await node.nodes.reportCompletion({
            nodeId: this.nodeId,
            jobId,
            jobToken,
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

  /** One heartbeat, idle, with this machine sample. */
  async heartbeat(sample: { cpuUsage: number; samplesPerSecond: number }): Promise<void> {
    await this.client?.heartbeat({ nodeId: this.nodeId, metrics: { gpuUsage: 0, memoryUsed: 0n, ...sample } });
  }

  close(): void {
    this.stop.abort();
  }
}
