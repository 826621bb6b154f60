import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DeploymentAssignmentSchema, InferenceRequestSchema } from "../../gen/cyxwiz/v1/node_service_pb";
import { InferenceInputError } from "../inference/served-model";
import { ServingHost, type ServingOptions } from "./serving-host";
import { SERVER, stubArtifacts } from "./test-artifacts";

afterEach(() => {
  vi.unstubAllGlobals();
});

function host(executor: Partial<ServingOptions["executor"]> = {}) {
  const deployments: unknown[] = [];
  const inferences: Record<string, unknown>[] = [];
  const serving: string[][] = [];
  const log: string[] = [];
  let answered = 0;
  const subject = new ServingHost({
    client: {
      reportDeployment: async (report) => (deployments.push(report), {}) as never,
      reportInference: async (report) => (inferences.push(report as Record<string, unknown>), {}) as never,
    },
    executor: { serve: async () => undefined, infer: async () => ({}) as never, unserve: () => undefined, ...executor },
    url: (path) => new URL(path, SERVER).toString(),
    nodeId: () => "n1",
    onServing: (names) => serving.push(names),
    onInference: () => answered++,
    note: (_, message) => log.push(message),
  });
  return { subject, deployments, inferences, serving, log, answered: () => answered };
}

async function deployment(artifacts: ReturnType<typeof stubArtifacts>, weights = new Uint8Array([1, 2, 3])) {
  const weightsSha = await artifacts.put(weights);
  const model = new TextEncoder().encode(JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: [weightsSha], weights: [] }] }));
  const modelSha = await artifacts.put(model);
  return create(DeploymentAssignmentSchema, { deploymentId: "d1", name: "digits", modelUrl: `/artifacts/${modelSha}`, modelSha256: modelSha, datasetSpec: JSON.stringify({ name: "digits" }) });
}

const request = (requestJson = "{}") => create(InferenceRequestSchema, { requestId: "r1", deploymentId: "d1", requestJson });

describe("ServingHost", () => {
  it("loads a deployed model's verified artifacts and reports it ready", async () => {
    const artifacts = stubArtifacts();
    const serve = vi.fn(async () => undefined);
    const { subject, deployments, serving } = host({ serve });
    await subject.deploy(await deployment(artifacts));
    expect(serve).toHaveBeenCalledWith(expect.objectContaining({ deploymentId: "d1", weights: new Uint8Array([1, 2, 3]), dataset: { name: "digits" } }));
    expect(deployments).toEqual([{ nodeId: "n1", deploymentId: "d1", ready: true }]);
    expect(serving).toEqual([["digits"]]);
  });

  it("does not load a model whose weights do not match their hash, and reports why", async () => {
    const artifacts = stubArtifacts();
    const assignment = await deployment(artifacts);
    const weightsSha = await artifacts.put(new Uint8Array([1, 2, 3]));
    artifacts.tamper(weightsSha, new Uint8Array([9, 9, 9]));
    const serve = vi.fn(async () => undefined);
    const { subject, deployments, serving } = host({ serve });
    await subject.deploy(assignment);
    expect(serve).not.toHaveBeenCalled();
    expect(deployments).toEqual([expect.objectContaining({ ready: false, error: expect.stringContaining("hash mismatch") })]);
    expect(serving).toEqual([]);
  });

  it("stops serving an undeployed model", async () => {
    const artifacts = stubArtifacts();
    const unserve = vi.fn();
    const { subject, serving, log } = host({ unserve });
    await subject.deploy(await deployment(artifacts));
    subject.undeploy("d1");
    expect(unserve).toHaveBeenCalledWith("d1");
    expect(serving.at(-1)).toEqual([]);
    expect(log.at(-1)).toBe("stopped serving model digits");
  });

  it("answers an inference request with its result and counts it", async () => {
    const { subject, inferences, answered } = host({ infer: async () => ({ label: "seven" }) as never });
    await subject.infer(request());
    expect(inferences).toEqual([{ nodeId: "n1", requestId: "r1", done: true, resultJson: JSON.stringify({ label: "seven" }) }]);
    expect(answered()).toBe(1);
  });

  it("gathers generated text while a report is in flight, so no piece waits for a round trip of its own", async () => {
    const { subject, inferences } = host({
      infer: async (_, __, onText) => {
        onText("Hel");
        // The first piece's report is on its way now.
        await Promise.resolve();
        onText("lo");
        onText(" world");
        return {} as never;
      },
    });
    await subject.infer(request());
    expect(inferences.filter((r) => r.textDelta).map((r) => r.textDelta)).toEqual(["Hel", "lo world"]);
    expect(inferences.at(-1)).toMatchObject({ done: true });
  });

  it("tells a request with bad input apart from the model failing", async () => {
    const bad = host({
      infer: async () => {
        throw new InferenceInputError("expected 784 numbers");
      },
    });
    await bad.subject.infer(request());
    expect(bad.inferences).toEqual([{ nodeId: "n1", requestId: "r1", done: true, error: "expected 784 numbers", badInput: true }]);
    const failing = host({
      infer: async () => {
        throw new Error("out of memory");
      },
    });
    await failing.subject.infer(request());
    expect(failing.inferences).toEqual([{ nodeId: "n1", requestId: "r1", done: true, error: "out of memory", badInput: false }]);
    expect(bad.answered() + failing.answered()).toBe(0);
  });
});
