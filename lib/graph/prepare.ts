import { analyzeGraph, type GraphAnalysis } from "./analyze";
import { fitDataset, type DatasetChoice, type DatasetFit } from "./dataset-fit";
import { parseGraph } from "./parse";
import type { GraphIssue, ModelGraph } from "./types";

/** A graph with everything known about it: parsed once, analysed once, fitted to the dataset once. */
export interface PreparedGraph {
  /** No issue at all: the graph is valid and fits the dataset (when one was given). */
  ok: boolean;
  /** The analysis's issues, then the dataset fit's. */
  issues: GraphIssue[];
  graph: ModelGraph;
  /** The graph's own verdict and shapes; its issues leave the dataset out. */
  analysis: GraphAnalysis;
  fit: DatasetFit;
}

/** Input that is not a graph: what parsing found wrong with it. */
export interface UnparsableGraph {
  ok: false;
  issues: GraphIssue[];
  graph?: undefined;
  analysis?: undefined;
  fit?: undefined;
}

/**
 * The one way from untrusted input (JSON text or a parsed value) to a graph the Engine, the
 * server, the CLI and the nodes agree on: parse, analyse, then fit the dataset when there is one.
 */
export function prepareGraph(input: unknown, dataset?: DatasetChoice): PreparedGraph | UnparsableGraph {
  const parsed = parseGraph(input);
  return parsed.ok ? prepareParsedGraph(parsed.graph, dataset) : { ok: false, issues: parsed.issues };
}

/** The same for a graph that is already structurally sound (a template, the editor's document). */
export function prepareParsedGraph(graph: ModelGraph, dataset?: DatasetChoice): PreparedGraph {
  const analysis = analyzeGraph(graph);
  const fit = dataset ? fitDataset(analysis, dataset) : { issues: [] };
  const issues = [...analysis.issues, ...fit.issues];
  return { ok: issues.length === 0, issues, graph, analysis, fit };
}
