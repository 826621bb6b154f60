import { checkAttachments, type Attachments } from "./passes/attachments";
import { traceDataPipeline, type DataPipeline } from "./passes/data";
import { inferShapes, type AnalyzedNode } from "./passes/shapes";
import { checkStructure, type AnalyzedComponent } from "./passes/structure";
import { checkWiring } from "./passes/wiring";
import type { GraphIssue, ModelGraph } from "./types";

export type { AnalyzedComponent, AnalyzedNode, Attachments, DataPipeline };

export interface GraphAnalysis {
  ok: boolean;
  issues: GraphIssue[];
  /** Layers in topological order (only those that could be analysed). */
  nodes: AnalyzedNode[];
  components: AnalyzedComponent[];
  attachments: Attachments;
  data?: DataPipeline;
  inputIds: string[];
  outputId?: string;
  totalParams: number;
  totalFlops: number;
}

/**
 * Validates a structurally parsed graph and infers every shape. Pure, and blind to datasets (how
 * a graph fits one is dataset-fit's question): the editor calls it on every change, the server
 * before storing a job, the worker before compiling. Issues come in the order of the passes, so
 * that the first (the one a server error message leads with) is the most basic problem.
 */
export function analyzeGraph(graph: ModelGraph): GraphAnalysis {
  const structure = checkStructure(graph);
  const attachments = checkAttachments(graph, structure);
  const wiring = checkWiring(graph, structure);
  const shapes = inferShapes(structure, wiring, attachments.regularizers);
  const data = traceDataPipeline(structure, wiring, attachments);
  const issues = [structure, attachments, wiring, shapes, data].flatMap((pass) => pass.issues);
  return {
    ok: issues.length === 0,
    issues,
    nodes: shapes.nodes,
    components: [...structure.components.values()],
    attachments: { optimizer: attachments.optimizer, schedule: attachments.schedule },
    data: data.pipeline,
    inputIds: wiring.inputIds,
    outputId: wiring.outputId,
    totalParams: shapes.totalParams,
    totalFlops: shapes.totalFlops,
  };
}
