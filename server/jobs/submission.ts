import { JobPriority, JobType, type JobConfig } from "../../gen/cyxwiz/v1/job_pb";
import { analyzeGraph } from "../../lib/graph/analyze";
import { checkDatasetFit } from "../../lib/graph/dataset-fit";
import { parseGraph } from "../../lib/graph/parse";
import type { GraphIssue } from "../../lib/graph/types";
import { parseHyperparameters } from "../../lib/train/hyperparameters";
import { estimateTrainingMemory } from "../../lib/train/memory-estimate";
import type { DatasetRecord } from "../datasets/catalog";
import type { NewJob } from "./job-store";

export type Submission = { ok: true; job: NewJob } | { ok: false; field: string; message: string; issues?: GraphIssue[] };

const reject = (field: string, message: string, issues?: GraphIssue[]): Submission => ({ ok: false, field, message: `${field}: ${message}`, issues });

/**
 * Everything SubmitJob checks before storing anything, as one pure decision: the graph is valid,
 * the dataset exists and fits it, the hyperparameters are in range. The first problem is named
 * by the request field (and graph node) at fault.
 */
export function prepareSubmission(config: JobConfig | undefined, dataset: DatasetRecord | undefined, randomSeed: () => number): Submission {
  if (!config) return reject("config", "required");
  const jobType = config.jobType === JobType.UNSPECIFIED ? JobType.TRAINING : config.jobType;
  if (jobType !== JobType.TRAINING) return reject("config.job_type", "only TRAINING jobs are supported so far");
  if (!(config.priority in JobPriority)) return reject("config.priority", `unknown priority ${config.priority}`);
  if (config.name.length > 200) return reject("config.name", "must be at most 200 characters");

  const parsed = parseGraph(config.modelDefinition);
  if (!parsed.ok) return graphRejection(parsed.issues);
  const analysis = analyzeGraph(parsed.graph);
  if (!analysis.ok) return graphRejection(analysis.issues);

  if (!config.datasetUri) return reject("config.dataset_uri", "required (e.g. dataset:mnist-digits)");
  if (!dataset) return reject("config.dataset_uri", `unknown dataset "${config.datasetUri}"`);
  const misfit = checkDatasetFit(analysis, dataset.spec);
  if (misfit.length > 0) return graphRejection(misfit);

  const hpIn = config.hyperparameters;
  if (!hpIn) return reject("config.hyperparameters", "required (epochs, batch_size, learning_rate)");
  const hp = parseHyperparameters({
    epochs: hpIn.epochs,
    batchSize: hpIn.batchSize,
    learningRate: hpIn.learningRate,
    optimizer: hpIn.optimizer || undefined,
    validationSplit: hpIn.validationSplit,
    seed: hpIn.seed,
  });
  if (!hp.ok) return reject(`config.${hp.field}`, hp.message.slice(hp.field.length + 2));
  const hyperparameters = { ...hp.value, seed: hp.value.seed || randomSeed() };

  return {
    ok: true,
    job: {
      name: config.name || parsed.graph.name || "untitled model",
      jobType: "TRAINING",
      priority: config.priority === JobPriority.UNSPECIFIED ? JobPriority.NORMAL : config.priority,
      modelConfig: parsed.graph,
      hyperparameters,
      datasetUri: config.datasetUri,
      datasetId: dataset.id,
      datasetSha256: dataset.sha256,
      estimatedMemory: BigInt(estimateTrainingMemory(analysis, dataset.spec, hyperparameters)),
      totalEpochs: hyperparameters.epochs,
    },
  };
}

function graphRejection(issues: GraphIssue[]): Submission {
  const [first] = issues;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return reject("config.model_definition", `${first?.message ?? "invalid graph"}${more}`, issues);
}
