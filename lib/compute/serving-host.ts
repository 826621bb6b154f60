import type { Client } from "@connectrpc/connect";
import type { DeploymentAssignment, InferenceRequest, NodeService } from "../../gen/cyxwiz/v1/node_service_pb";
import type { DatasetSpec } from "../data/dataset-format";
import { InferenceInputError, type DeploymentBundle, type InferenceRequest as InferenceJob } from "../inference/served-model";
import type { TrainingExecutor } from "./executor";
import { fetchVerified } from "./artifacts-client";
import { describeError } from "./describe-error";

export interface ServingOptions {
  client: Pick<Client<typeof NodeService>, "reportDeployment" | "reportInference">;
  executor: Pick<TrainingExecutor, "serve" | "infer" | "unserve">;
  /** An artifact path on the server as a URL. */
  url: (path: string) => string;
  /** The node's id as registered now (it changes when the node registers from scratch). */
  nodeId: () => string;
  /** The names of the models served, after each change. */
  onServing: (names: string[]) => void;
  /** An inference request was answered. */
  onInference: () => void;
  note: (level: "info" | "error", message: string) => void;
}

/** The models a node serves: loaded on the server's word, answering inference requests beside any training. */
export class ServingHost {
  /** Deployment id → model name. */
  private readonly served = new Map<string, string>();

  constructor(private readonly options: ServingOptions) {}

  /** Loads a deployed model (the trained model's artifacts, verified by hash) and says whether it is ready. */
  async deploy(deployment: DeploymentAssignment): Promise<void> {
    const { client, executor, url, note } = this.options;
    const nodeId = this.options.nodeId();
    try {
      const modelJson = JSON.parse(new TextDecoder().decode(await fetchVerified(url(deployment.modelUrl), deployment.modelSha256))) as DeploymentBundle["modelJson"] & {
        weightsManifest: { paths: string[] }[];
      };
      const weightsHash = modelJson.weightsManifest[0]?.paths[0] ?? "";
      const weights = await fetchVerified(url(`/artifacts/${weightsHash}`), weightsHash);
      await executor.serve({ deploymentId: deployment.deploymentId, modelJson, weights, dataset: JSON.parse(deployment.datasetSpec) as DatasetSpec });
      this.served.set(deployment.deploymentId, deployment.name);
      this.options.onServing([...this.served.values()]);
      note("info", `serving model ${deployment.name}`);
      await client.reportDeployment({ nodeId, deploymentId: deployment.deploymentId, ready: true });
    } catch (error) {
      note("error", `could not load model ${deployment.name}: ${describeError(error)}`);
      await client.reportDeployment({ nodeId, deploymentId: deployment.deploymentId, ready: false, error: describeError(error) }).catch(() => undefined);
    }
  }

  undeploy(deploymentId: string): void {
    this.options.executor.unserve(deploymentId);
    const name = this.served.get(deploymentId);
    this.served.delete(deploymentId);
    this.options.onServing([...this.served.values()]);
    if (name) this.options.note("info", `stopped serving model ${name}`);
  }

  /**
   * Answers an inference request, streaming generated text back as it comes: while one report
   * is in flight the next pieces gather, so a fast model is not held back by round trips.
   */
  async infer(request: InferenceRequest): Promise<void> {
    const nodeId = this.options.nodeId();
    const report = (fields: { textDelta?: string; done?: boolean; resultJson?: string; error?: string; badInput?: boolean }) =>
      this.options.client.reportInference({ nodeId, requestId: request.requestId, ...fields });
    let pending = "";
    let chain = Promise.resolve();
    const flush = () => {
      chain = chain.then(async () => {
        if (!pending) return;
        const textDelta = pending;
        pending = "";
        await report({ textDelta }).catch(() => undefined);
      });
    };
    try {
      const result = await this.options.executor.infer(request.deploymentId, JSON.parse(request.requestJson) as InferenceJob, (text) => {
        pending += text;
        flush();
      });
      flush();
      await chain;
      await report({ done: true, resultJson: JSON.stringify(result) });
      this.options.onInference();
    } catch (error) {
      await chain;
      await report({ done: true, error: describeError(error), badInput: error instanceof InferenceInputError }).catch(() => undefined);
    }
  }
}
