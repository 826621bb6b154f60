import { nodeIssue } from "../issues";
import type { GraphIssue, GraphNode } from "../types";
import type { AttachmentWiring } from "./attachments";
import type { AnalyzedComponent, Structure } from "./structure";
import type { Wiring } from "./wiring";

/** The chain of data steps feeding an Input, from the Dataset onwards. */
export interface DataPipeline {
  inputId: string;
  steps: AnalyzedComponent[];
  /** The dataset the first step names. */
  dataset?: string;
}

/**
 * The data steps attached (through "data" handles) to an Input, walked back to their source. Only
 * one Input can take a pipeline: a job trains on one dataset.
 */
export function traceDataPipeline({ byId, components }: Structure, { inputIds }: Wiring, { taken }: AttachmentWiring): { pipeline?: DataPipeline; issues: GraphIssue[] } {
  const issues: GraphIssue[] = [];
  const fed = inputIds.filter((id) => taken.has(`${id}:data`));
  for (const extra of fed.slice(1)) issues.push(nodeIssue(byId.get(extra) as GraphNode, "arity", `a second data pipeline feeds this Input; a job trains on one dataset (already feeding "${fed[0]}")`));
  const inputId = fed[0];
  const steps: AnalyzedComponent[] = [];
  const seen = new Set<string>();
  for (let id = inputId && taken.get(`${inputId}:data`); id !== undefined; id = taken.get(`${id}:data`)) {
    const step = components.get(id) as AnalyzedComponent;
    if (seen.has(id)) {
      issues.push(nodeIssue(step.node, "cycle", "is part of a loop of data steps"));
      return { issues };
    }
    seen.add(id);
    steps.unshift(step);
  }
  const attached = new Set(taken.values());
  for (const component of components.values()) {
    if (component.definition.provides === "data" && attached.has(component.node.id) && !seen.has(component.node.id)) {
      issues.push(nodeIssue(component.node, "disconnected", "does not lead to an Input: end the chain of data steps at the model's Input"));
    }
  }
  if (inputId === undefined) return { issues };
  const source = steps[0] as AnalyzedComponent;
  if (source.definition.data?.phase !== "source") {
    issues.push(nodeIssue(source.node, "disconnected", "the data pipeline must start at a Dataset: connect one to its data input"));
    return { pipeline: { inputId, steps }, issues };
  }
  return { pipeline: { inputId, steps, dataset: source.params.name as string }, issues };
}
