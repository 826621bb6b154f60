import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { JobConfigSchema, JobPriority, JobType } from "../../gen/cyxwiz/v1/job_pb";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import type { DatasetRecord } from "../../lib/data/dataset-record";
import { prepareSubmission, requestedDatasetUri } from "./submission";

const digits: DatasetRecord = {
  id: "7f0b2c1e-0000-4000-8000-000000000001",
  name: "mnist-digits",
  description: "",
  sha256: "a".repeat(64),
  sizeBytes: 100,
  builtin: true,
  spec: {
    name: "mnist-digits",
    task: "classification",
    count: 8500,
    features: { shape: [28, 28, 1], dtype: "uint8", scale: 1 / 255 },
    targets: { shape: [], dtype: "uint8", classes: 10 },
  },
};

const config = (overrides: Record<string, unknown> = {}) =>
  create(JobConfigSchema, {
    modelDefinition: JSON.stringify(mlpDigits.graph),
    datasetUri: "dataset:mnist-digits",
    hyperparameters: { epochs: 3, batchSize: 32, learningRate: 0.01 },
    ...overrides,
  });

/** The MLP with a Dataset → Normalize pipeline into its Input. */
function withPipeline(dataset: string): string {
  const graph = structuredClone(mlpDigits.graph);
  graph.nodes.push({ id: "data", type: "Dataset", params: { name: dataset } }, { id: "norm", type: "Normalize", params: {} });
  graph.edges.push({ source: "data", target: "norm", targetHandle: "data" }, { source: "norm", target: graph.nodes[0]?.id as string, targetHandle: "data" });
  return JSON.stringify(graph);
}

describe("prepareSubmission", () => {
  it("takes the dataset from the graph's Dataset node when the request names none", () => {
    const pipeline = config({ modelDefinition: withPipeline("mnist-digits"), datasetUri: "" });
    expect(requestedDatasetUri(pipeline)).toBe("dataset:mnist-digits");
    expect(prepareSubmission(pipeline, digits, () => 1)).toMatchObject({ ok: true, job: { datasetUri: "dataset:mnist-digits" } });
  });

  it("refuses a request for another dataset than the graph's Dataset node names, naming the node", () => {
    const result = prepareSubmission(config({ modelDefinition: withPipeline("two-moons") }), digits, () => 1);
    expect(result).toMatchObject({ ok: false, field: "config.model_definition", issues: [{ nodeId: "data", field: "params.name" }] });
  });

  it("checks each step of the data pipeline against the dataset, naming the step", () => {
    const graph = JSON.parse(withPipeline("mnist-digits"));
    graph.nodes.find((n: { id: string }) => n.id === "norm").type = "OneHot";
    graph.nodes.find((n: { id: string }) => n.id === "norm").params = { classes: 5 };
    const result = prepareSubmission(config({ modelDefinition: JSON.stringify(graph) }), digits, () => 1);
    expect(result).toMatchObject({ ok: false, issues: [{ nodeId: "norm", message: expect.stringContaining("10 classes") }] });
  });

  it("accepts a valid job and fills in defaults", () => {
    const result = prepareSubmission(config(), digits, () => 42);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.job).toMatchObject({
      name: "MLP digits",
      jobType: "TRAINING",
      priority: JobPriority.NORMAL,
      datasetId: digits.id,
      datasetSha256: digits.sha256,
      totalEpochs: 3,
      hyperparameters: { epochs: 3, batchSize: 32, learningRate: 0.01, optimizer: "adam", validationSplit: 0.1, seed: 42 },
    });
    expect(result.job.estimatedMemory).toBeGreaterThan(0n);
  });

  it("carries early stopping and gradient clipping to the job", () => {
    const result = prepareSubmission(config({ hyperparameters: { epochs: 9, batchSize: 8, learningRate: 0.1, earlyStoppingPatience: 2, clipNorm: 1.5 } }), digits, () => 42);
    expect(result.ok && result.job.hyperparameters).toMatchObject({ earlyStoppingPatience: 2, clipNorm: 1.5 });
  });

  it("keeps a seed the user chose", () => {
    const result = prepareSubmission(config({ hyperparameters: { epochs: 1, batchSize: 8, learningRate: 0.1, seed: 7 } }), digits, () => 42);
    expect(result.ok && result.job.hyperparameters).toMatchObject({ seed: 7 });
  });

  it("names the graph node of an invalid model", () => {
    const graph = structuredClone(mlpDigits.graph);
    (graph.nodes[2] as { params: Record<string, unknown> }).params.units = -1;
    const result = prepareSubmission(config({ modelDefinition: JSON.stringify(graph) }), digits, () => 1);
    expect(result).toMatchObject({ ok: false, field: "config.model_definition" });
    expect(!result.ok && result.message).toContain('node "hidden1" (Dense)');
  });

  it("rejects malformed JSON", () => {
    expect(prepareSubmission(config({ modelDefinition: "{" }), digits, () => 1)).toMatchObject({ ok: false, field: "config.model_definition" });
  });

  it("rejects an unknown dataset", () => {
    const result = prepareSubmission(config({ datasetUri: "dataset:cifar" }), undefined, () => 1);
    expect(result).toMatchObject({ ok: false, field: "config.dataset_uri" });
    expect(!result.ok && result.message).toContain("dataset:cifar");
  });

  it("rejects a graph whose input does not fit the dataset", () => {
    const graph = structuredClone(mlpDigits.graph);
    (graph.nodes[0] as { params: Record<string, unknown> }).params.shape = [14, 14, 1];
    const result = prepareSubmission(config({ modelDefinition: JSON.stringify(graph) }), digits, () => 1);
    expect(result).toMatchObject({ ok: false, field: "config.model_definition", issues: [{ nodeId: "input" }] });
  });

  it.each([
    [{ epochs: 0, batchSize: 32, learningRate: 0.01 }, "config.hyperparameters.epochs"],
    [{ epochs: 3, batchSize: 100_000, learningRate: 0.01 }, "config.hyperparameters.batch_size"],
    [{ epochs: 3, batchSize: 32, learningRate: -1 }, "config.hyperparameters.learning_rate"],
    [{ epochs: 3, batchSize: 32, learningRate: 0.01, earlyStoppingPatience: 5000 }, "config.hyperparameters.early_stopping_patience"],
    [{ epochs: 3, batchSize: 32, learningRate: 0.01, clipNorm: -1 }, "config.hyperparameters.clip_norm"],
  ])("names the out-of-range hyperparameter %o", (hyperparameters, field) => {
    expect(prepareSubmission(config({ hyperparameters }), digits, () => 1)).toMatchObject({ ok: false, field });
  });

  it("requires hyperparameters", () => {
    expect(prepareSubmission(config({ hyperparameters: undefined }), digits, () => 1)).toMatchObject({ ok: false, field: "config.hyperparameters" });
  });

  it("refuses job types that do not exist yet", () => {
    expect(prepareSubmission(config({ jobType: JobType.INFERENCE }), digits, () => 1)).toMatchObject({ ok: false, field: "config.job_type" });
  });
});
