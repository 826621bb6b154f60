import type { DatasetSpec } from "../data/dataset-format";
import { analyzeGraph, type GraphAnalysis } from "./analyze";
import { CLASSIFICATION_LOSSES, type LossName } from "./layers/output";
import { formatShape, type GraphIssue, type ModelGraph, type Shape } from "./types";

/**
 * Checks a valid graph against the dataset a job trains on: through its data pipeline when it has
 * one (which must name this dataset, and whose steps may relabel it), else directly.
 */
export function checkGraphOnDataset(graph: ModelGraph, analysis: GraphAnalysis, dataset: DatasetSpec): GraphIssue[] {
  if (!analysis.data) return checkDatasetFit(analysis, dataset);
  const source = analysis.data.steps[0];
  if (source && analysis.data.dataset !== undefined && analysis.data.dataset !== dataset.name) {
    return [
      {
        code: "dataset_mismatch",
        nodeId: source.node.id,
        field: "params.name",
        message: `node "${source.node.id}" (Dataset): names "${analysis.data.dataset}" but the job trains on "${dataset.name}"`,
      },
    ];
  }
  return analyzeGraph(graph, { datasets: (name) => (name === dataset.name ? dataset : undefined) }).issues;
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
