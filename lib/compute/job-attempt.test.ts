import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JobAssignmentSchema, type JobAssignment } from "../../gen/cyxwiz/v1/node_service_pb";
import { encodeDataset } from "../data/dataset-format";
import { blobs } from "../data/test-fixtures";
import { chain } from "../graph/templates/template";
import type { TrainingExecutor, TrainingOutcome } from "./executor";
import { PauseController } from "../train/pause";
import type { TrainingProgress } from "../train/progress";
import { TrainingAborted } from "../train/train-loop";
import { runJobAttempt, type AttemptNode } from "./job-attempt";
import { SERVER, stubArtifacts } from "./test-artifacts";

let artifacts: ReturnType<typeof stubArtifacts>;
beforeEach(() => {
  artifacts = stubArtifacts();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const graph = chain("blobs", [
  { id: "in", type: "Input", params: { shape: [2] } },
  { id: "head", type: "Dense", params: { units: 3 } },
  { id: "softmax", type: "Softmax", params: {} },
  { id: "out", type: "Output", params: {} },
]);
const DATASET = encodeDataset(blobs(60));
const HYPERPARAMETERS = { epochs: 2, batchSize: 16, learningRate: 0.01, optimizer: "adam", validationSplit: 0.2, seed: 5 };

const outcome: TrainingOutcome = {
  modelJson: { modelTopology: {}, weightsManifest: [{ paths: ["weights.bin"], weights: [] }] },
  weights: new Uint8Array([7, 7, 7]),
  finalMetrics: { accuracy: 0.9 },
  backend: "cpu",
  durationMs: 10,
};

const epochEnd = (epoch: number): TrainingProgress => ({
  epoch,
  totalEpochs: 2,
  step: epoch,
  progress: epoch / 2,
  metrics: { loss: 1 / epoch },
  samplesPerSecond: 100,
  etaSeconds: 0,
  memoryBytes: 1000,
  epochEnd: true,
});

type Train = TrainingExecutor["train"];

interface Setup {
  train?: Train;
  /** Fields of the assignment that differ from a good one. */
  assignment?: Exclude<MessageInitShape<typeof JobAssignmentSchema>, JobAssignment>;
  memoryBytes?: number;
  store?: boolean;
  /** The server answers progress reports past epoch 0 with "cancel". */
  cancelAfterStart?: boolean;
  refuseCheckpoints?: boolean;
}

/** One attempt on a node whose server calls are recorded, its artifacts served by the stub, its training done by `train`. */
async function attempt(setup: Setup = {}) {
  const datasetSha = await artifacts.put(DATASET);
  const calls: { method: string; request: Record<string, unknown> }[] = [];
  const answer =
    (method: string, respond: (request: Record<string, unknown>) => unknown = () => ({})) =>
    async (request: unknown) => {
      calls.push({ method, request: request as Record<string, unknown> });
      return respond(request as Record<string, unknown>) as never;
    };
  const train = vi.fn<Train>(setup.train ?? (async () => outcome));
  const log: string[] = [];
  const held: string[] = [];
  const failures: string[] = [];
  let completed = 0;
  const node: AttemptNode = {
    client: {
      reportProgress: answer("reportProgress", (r) => ({ cancel: Boolean(setup.cancelAfterStart) && (r.currentEpoch as number) > 0 })),
      uploadCheckpoint: answer("uploadCheckpoint", () => {
        if (setup.refuseCheckpoints) throw new Error("checkpoint refused");
        return {};
      }),
      reportCompletion: answer("reportCompletion"),
      reportFailure: answer("reportFailure"),
    },
    session: { withSession: (call) => call("session-token") },
    executor: { train },
    store: setup.store ? { read: async () => undefined, write: async () => undefined, remove: async () => undefined } : undefined,
    lifetime: new AbortController().signal,
    url: (path) => new URL(path, SERVER).toString(),
    nodeId: "n1",
    probe: { chosen: "cpu", measurements: [] },
    memoryBytes: () => setup.memoryBytes ?? 8 * 1024 ** 3,
    pause: new PauseController(),
    onPhase: () => undefined,
    onJob: () => undefined,
    onTraining: () => undefined,
    onDatasetHeld: (sha256) => held.push(sha256),
    onCompleted: () => completed++,
    onFailed: (error) => failures.push(error),
    note: (level, message) => log.push(`${level}: ${message}`),
  };
  const assignment = create(JobAssignmentSchema, {
    jobId: "j1",
    jobToken: "job-token",
    attempt: 1,
    modelDefinition: JSON.stringify(graph),
    hyperparameters: HYPERPARAMETERS,
    datasetUrl: `/artifacts/${datasetSha}`,
    datasetSha256: datasetSha,
    artifactUploadUrl: "/api/v1/artifacts",
    ...setup.assignment,
  });
  await runJobAttempt(node, { id: "j1", abort: new AbortController(), token: "job-token" }, assignment);
  const reported = (method: string) => calls.filter((c) => c.method === method).map((c) => c.request);
  return { datasetSha, train, log, held, failures, completed: () => completed, reported };
}

describe("runJobAttempt", () => {
  it("trains the assignment's graph and settings on its verified dataset", async () => {
    const { train } = await attempt();
    const job = train.mock.calls[0]?.[0];
    expect(job).toMatchObject({ graph, dataset: DATASET, jobId: "j1" });
    // proto3 sends the unset patience and clip norm as 0, which means the same as absent.
    expect(job?.hyperparameters).toEqual({ ...HYPERPARAMETERS, earlyStoppingPatience: 0, clipNorm: 0 });
  });

  it("uploads the weights, then model.json naming them, and reports completion with the model's address", async () => {
    const { reported, completed } = await attempt();
    expect(artifacts.uploads.map((u) => u.contentType)).toEqual(["application/octet-stream", "application/json"]);
    const [weights, model] = artifacts.uploads;
    expect(weights?.bytes).toEqual(outcome.weights);
    const modelJson = JSON.parse(new TextDecoder().decode(model?.bytes)) as { weightsManifest: { paths: string[] }[] };
    expect(modelJson.weightsManifest[0]?.paths).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    const [completion] = reported("reportCompletion");
    expect(completion).toMatchObject({ nodeId: "n1", jobId: "j1", jobToken: "job-token", finalMetrics: { accuracy: 0.9 }, backend: "cpu" });
    expect(completion?.modelWeightsUri).toBe(`/artifacts/${completion?.modelWeightsSha256 as string}`);
    expect(completed()).toBe(1);
  });

  it("reports every epoch's end with the job token", async () => {
    const { reported } = await attempt({
      train: async (_, onProgress) => {
        onProgress(epochEnd(1));
        onProgress(epochEnd(2));
        return outcome;
      },
    });
    const epochs = reported("reportProgress").filter((r) => (r.currentEpoch as number) > 0);
    expect(epochs).toEqual([expect.objectContaining({ currentEpoch: 1, jobToken: "job-token" }), expect.objectContaining({ currentEpoch: 2, jobToken: "job-token" })]);
  });

  it("fills the settings an assignment leaves unset with the shared defaults", async () => {
    const { train } = await attempt({ assignment: { hyperparameters: { epochs: 2, batchSize: 16, learningRate: 0.01 } } });
    expect(train.mock.calls[0]?.[0].hyperparameters).toMatchObject({ optimizer: "adam", validationSplit: 0.1 });
  });

  it("rejects an assignment with a batch size of 0, naming the field, as not retryable, and never trains", async () => {
    const { train, reported, failures } = await attempt({ assignment: { hyperparameters: { ...HYPERPARAMETERS, batchSize: 0 } } });
    expect(train).not.toHaveBeenCalled();
    expect(reported("reportFailure")).toEqual([
      expect.objectContaining({ nodeId: "n1", jobId: "j1", jobToken: "job-token", retryable: false, error: expect.stringMatching(/^hyperparameters\.batch_size: /) }),
    ]);
    expect(failures).toEqual([expect.stringMatching(/^hyperparameters\.batch_size: /)]);
  });

  it("rejects a graph that does not parse as not retryable, and never trains", async () => {
    const { train, reported } = await attempt({ assignment: { modelDefinition: "{}" } });
    expect(train).not.toHaveBeenCalled();
    expect(reported("reportFailure")).toEqual([expect.objectContaining({ retryable: false })]);
  });

  it("never trains on a dataset whose bytes do not match its hash, and reports it retryable", async () => {
    const { train, reported } = await attempt({ assignment: { datasetSha256: "0".repeat(64) } });
    expect(train).not.toHaveBeenCalled();
    expect(reported("reportFailure")).toEqual([expect.objectContaining({ retryable: true, error: expect.stringContaining("hash mismatch") })]);
  });

  it("hands back a job that needs more memory than the node lends, retryable, without training", async () => {
    const { train, reported } = await attempt({ memoryBytes: 1024 });
    expect(train).not.toHaveBeenCalled();
    expect(reported("reportFailure")).toEqual([expect.objectContaining({ retryable: true, error: expect.stringContaining("this node cannot take the job") })]);
  });

  it("tells the node it holds the dataset when it keeps a store, and not otherwise", async () => {
    const kept = await attempt({ store: true });
    expect(kept.held).toEqual([kept.datasetSha]);
    const notKept = await attempt();
    expect(notKept.held).toEqual([]);
  });

  it("resumes from the checkpoint the assignment names: says so first, then trains from its bytes", async () => {
    const checkpoint = new Uint8Array([4, 2]);
    const sha256 = await artifacts.put(checkpoint);
    const { train, reported } = await attempt({ assignment: { resumeFrom: { epoch: 1, uri: `/artifacts/${sha256}`, sha256 } } });
    expect(train.mock.calls[0]?.[0].resume).toEqual(checkpoint);
    expect(reported("reportProgress")[1]).toMatchObject({ currentEpoch: 1, progress: 0.5, logMessage: "resuming from the checkpoint after epoch 1" });
  });

  it("uploads each checkpoint and names it to the server", async () => {
    const { reported } = await attempt({
      train: async (job) => {
        job.onCheckpoint?.(new Uint8Array([1]), 1);
        return outcome;
      },
    });
    expect(reported("uploadCheckpoint")).toEqual([expect.objectContaining({ jobToken: "job-token", checkpoint: expect.objectContaining({ epoch: 1 }) })]);
  });

  it("notes a checkpoint that could not be saved and finishes the job all the same", async () => {
    const { log, completed } = await attempt({
      refuseCheckpoints: true,
      train: async (job) => {
        job.onCheckpoint?.(new Uint8Array([1]), 1);
        return outcome;
      },
    });
    expect(log).toContain("warn: job j1: the checkpoint after epoch 1 was not saved: checkpoint refused");
    expect(completed()).toBe(1);
  });

  it("stops training when the server answers cancel, and does not report that as a failure", async () => {
    const { reported, failures } = await attempt({
      cancelAfterStart: true,
      train: async (_, onProgress, signal) => {
        onProgress(epochEnd(1));
        await new Promise((resolve) => signal.addEventListener("abort", resolve));
        throw new TrainingAborted();
      },
    });
    expect(reported("reportFailure")).toEqual([]);
    expect(reported("reportCompletion")).toEqual([]);
    expect(failures).toEqual([]);
  });
});
