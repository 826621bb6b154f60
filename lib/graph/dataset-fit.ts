import type { DatasetSpec } from "../data/dataset-format";
import type { AnalyzedComponent, GraphAnalysis } from "./analyze";
import type { DatasetLookup } from "./component";
import { nodeIssue } from "./issues";
import { ShapeError } from "./layer";
import { CLASSIFICATION_LOSSES, type LossName } from "./layers/output";
import { formatShape, type GraphIssue, type Shape } from "./types";

/**
 * What a graph is checked against: the dataset its job trains on (the server, the CLI), or a
 * catalog its Dataset node picks from (the editor, with the server's datasets).
 */
export type DatasetChoice = { dataset: DatasetSpec } | { catalog: DatasetLookup };

export interface DatasetFit {
  /** The samples as the Input receives them, when the dataset is known. */
  spec?: DatasetSpec;
  issues: GraphIssue[];
}

/**
 * Whether a graph can train on the chosen dataset: its data pipeline, when it has one, must name
 * the job's dataset, and each step must apply to the samples before it; the model must suit the
 * samples that reach its Input. Data steps are checked on any graph (the editor shows their
 * problems beside the others); the model only on a valid one, whose shapes are all known.
 */
export function fitDataset(analysis: GraphAnalysis, choice: DatasetChoice): DatasetFit {
  const job = "dataset" in choice ? choice.dataset : undefined;
  const pipeline = analysis.data;
  if (job && pipeline?.dataset !== undefined && pipeline.dataset !== job.name) {
    const source = pipeline.steps[0] as AnalyzedComponent;
    return { issues: [nodeIssue(source.node, "dataset_mismatch", `names "${pipeline.dataset}" but the job trains on "${job.name}"`, "params.name")] };
  }
  const lookup: DatasetLookup = "catalog" in choice ? choice.catalog : (name) => (name === choice.dataset.name ? choice.dataset : undefined);
  const fit: DatasetFit = pipeline ? followPipeline(pipeline.steps, lookup) : { spec: job, issues: [] };
  if (analysis.ok && fit.spec) fit.issues.push(...checkDatasetFit(analysis, fit.spec));
  return fit;
}

/** The samples after each step in turn; a step that cannot apply is reported on its node. */
function followPipeline(steps: AnalyzedComponent[], datasets: DatasetLookup): DatasetFit {
  let spec: DatasetSpec | undefined;
  for (const step of steps) {
    try {
      spec = step.definition.data?.spec(spec, step.params, datasets);
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      return { issues: [nodeIssue(step.node, "shape", error.message)] };
    }
  }
  return { spec, issues: [] };
}

/**
 * Whether a valid graph can train on a dataset: the Input takes the dataset's samples and the
 * Output's shape and loss suit its targets. Issues name the node at fault.
 */
export function checkDatasetFit(analysis: GraphAnalysis, dataset: DatasetSpec): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const nodeById = new Map(analysis.nodes.map((n) => [n.node.id, n]));
  if (analysis.inputIds.length !== 1) {
    return [{ code: "dataset_mismatch", message: `dataset "${dataset.name}" feeds one Input; the graph has ${analysis.inputIds.length}` }];
  }
  const input = nodeById.get(analysis.inputIds[0] as string);
  if (input?.outputShape && !sameShape(input.outputShape, dataset.features.shape)) {
    issues.push({
      code: "dataset_mismatch",
      nodeId: input.node.id,
      field: "params.shape",
      message: `node "${input.node.id}" (Input): shape ${formatShape(input.outputShape)} does not match dataset "${dataset.name}" samples ${formatShape(dataset.features.shape)}`,
    });
  }
  const output = analysis.outputId ? nodeById.get(analysis.outputId) : undefined;
  if (!output?.outputShape) return issues;
  const loss = output.params.loss as LossName;
  const expected = expectedOutputShape(loss, dataset);
  const where = `node "${output.node.id}" (Output)`;
  if (typeof expected === "string") {
    issues.push({ code: "dataset_mismatch", nodeId: output.node.id, field: "params.loss", message: `${where}: ${expected}` });
  } else if (!sameShape(output.outputShape, expected)) {
    issues.push({
      code: "dataset_mismatch",
      nodeId: output.node.id,
      message: `${where}: produces ${formatShape(output.outputShape)} but loss ${loss} on dataset "${dataset.name}" needs ${formatShape(expected)}`,
    });
  }
  return issues;
}

/** The model output shape a loss needs for this dataset's targets, or why the pairing cannot work. */
function expectedOutputShape(loss: LossName, dataset: DatasetSpec): Shape | string {
  const classes = dataset.targets.classes;
  const classification = dataset.task === "classification" && classes !== undefined;
  if (CLASSIFICATION_LOSSES.includes(loss) && !classification) {
    return `loss ${loss} needs class labels, but dataset "${dataset.name}" is a regression dataset`;
  }
  if (loss === "binaryCrossentropy") {
    return classes === 2 ? [1] : `binaryCrossentropy needs 2 classes; dataset "${dataset.name}" has ${classes}`;
  }
  if (classification) return [classes];
  return dataset.targets.shape.length === 0 ? [1] : dataset.targets.shape;
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || d === b[i]);
}
