import { JobPriority, JobType, type JobConfig } from "../../gen/cyxwiz/v1/job_pb";
import { fitDataset } from "../../lib/graph/dataset-fit";
import { prepareGraph, type PreparedGraph, type UnparsableGraph } from "../../lib/graph/prepare";
import type { GraphIssue } from "../../lib/graph/types";
import { hyperparametersInput, parseHyperparameters } from "../../lib/job/hyperparameters";
import { estimateTrainingMemory } from "../../lib/train/memory-estimate";
import type { DatasetRecord } from "../../lib/data/dataset-record";
import type { NewJob } from "./sql/create-job";

/** How much training a job is: what its price is computed from. */
export interface TrainingSize {
  forwardFlopsPerSample: number;
  samples: number;
  epochs: number;
}

export type Submission = { ok: true; job: Omit<NewJob, "id">; size: TrainingSize } | { ok: false; field: string; message: string; issues?: GraphIssue[] };

const reject = (field: string, message: string, issues?: GraphIssue[]): Submission => ({ ok: false, field, message: `${field}: ${message}`, issues });

type SubmittedGraph = PreparedGraph | UnparsableGraph;

/** The submission's graph, parsed and analysed once: SubmitJob hands it to both functions below. */
export function submittedGraph(config: JobConfig | undefined): SubmittedGraph {
  return prepareGraph(config?.modelDefinition ?? "");
}

/** The dataset a submission asks for: the request's, else the one its graph's Dataset node names. */
export function requestedDatasetUri(config: JobConfig | undefined, submitted: SubmittedGraph = submittedGraph(config)): string | undefined {
  if (!config) return undefined;
  if (config.datasetUri) return config.datasetUri;
  const named = submitted.analysis?.data?.dataset;
  return named ? `dataset:${named}` : undefined;
}

/**
 * Everything SubmitJob checks before storing anything, as one pure decision: the graph is valid,
 * the dataset (the request's, else the graph's Dataset node's) exists and fits it, the
 * hyperparameters are in range. The first problem is named
 * by the request field (and graph node) at fault.
 */
export function prepareSubmission(config: JobConfig | undefined, dataset: DatasetRecord | undefined, randomSeed: () => number, submitted: SubmittedGraph = submittedGraph(config)): Submission {
  if (!config) return reject("config", "required");
  const jobType = config.jobType === JobType.UNSPECIFIED ? JobType.TRAINING : config.jobType;
  if (jobType !== JobType.TRAINING) return reject("config.job_type", "only TRAINING jobs are supported so far");
  if (!(config.priority in JobPriority)) return reject("config.priority", `unknown priority ${config.priority}`);
  if (config.name.length > 200) return reject("config.name", "must be at most 200 characters");

  if (!submitted.graph) return graphRejection(submitted.issues);
  const { graph, analysis } = submitted;
  if (!analysis.ok) return graphRejection(analysis.issues);

  const datasetUri = config.datasetUri || (analysis.data?.dataset ? `dataset:${analysis.data.dataset}` : "");
  if (!datasetUri) return reject("config.dataset_uri", "required (e.g. dataset:mnist-digits), or a Dataset node in the graph");
  if (!dataset) return reject("config.dataset_uri", `unknown dataset "${datasetUri}"`);
  const fit = fitDataset(analysis, { dataset: dataset.spec });
  if (fit.issues.length > 0) return graphRejection(fit.issues);

  const hpIn = config.hyperparameters;
  if (!hpIn) return reject("config.hyperparameters", "required (epochs, batch_size, learning_rate)");
  const hp = parseHyperparameters(hyperparametersInput(hpIn));
  if (!hp.ok) return reject(`config.${hp.field}`, hp.message.slice(hp.field.length + 2));
  const hyperparameters = { ...hp.value, seed: hp.value.seed || randomSeed() };

  return {
    ok: true,
    job: {
      name: config.name || graph.name || "untitled model",
      jobType: "TRAINING",
      priority: config.priority === JobPriority.UNSPECIFIED ? JobPriority.NORMAL : config.priority,
      modelConfig: graph,
      hyperparameters,
      datasetUri,
      datasetId: dataset.id,
      datasetSha256: dataset.sha256,
      estimatedMemory: BigInt(estimateTrainingMemory(analysis, dataset.spec, hyperparameters)),
      totalEpochs: hyperparameters.epochs,
    },
    // What the job's price is made of (lib/payments/pricing.ts): the samples it trains on each epoch, the validation split held out.
    size: { forwardFlopsPerSample: analysis.totalFlops, samples: Math.round(dataset.spec.count * (1 - hyperparameters.validationSplit)), epochs: hyperparameters.epochs },
  };
}

function graphRejection(issues: GraphIssue[]): Submission {
  const [first] = issues;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return reject("config.model_definition", `${first?.message ?? "invalid graph"}${more}`, issues);
}
