import type { DatasetSpec } from "../data/dataset-format";
import type { ComponentDefinition, DatasetLookup } from "./component";
import { checkDatasetFit } from "./dataset-fit";
import { ATTACHMENT_KINDS, attachmentsOf, ShapeError, withArticle, type AttachmentKind, type LayerDefinition, type Regularization } from "./layer";
import { getNodeDefinition } from "./registry";
import { reachable, topology } from "./topology";
import { formatShape, type GraphEdge, type GraphIssue, type GraphNode, type ModelGraph, type Shape } from "./types";

export interface AnalyzedNode {
  node: GraphNode;
  layer: LayerDefinition;
  /** Parameters with defaults filled in. */
  params: Record<string, unknown>;
  /** Ids of the nodes feeding this one, in input order. */
  inputIds: string[];
  inputShapes: Shape[];
  outputShape?: Shape;
  paramCount: number;
  /** Forward-pass floating-point operations for one sample. */
  flops: number;
  /** Factors of the regularizer attached to this layer, if any. */
  regularization?: Regularization;
}

export interface AnalyzedComponent {
  node: GraphNode;
  definition: ComponentDefinition;
  params: Record<string, unknown>;
}

/** The configuration attached to the model: how it is optimised and regularised. */
export interface Attachments {
  optimizer?: AnalyzedComponent;
  schedule?: AnalyzedComponent;
}

/** The chain of data steps feeding an Input, from the Dataset onwards. */
export interface DataPipeline {
  inputId: string;
  steps: AnalyzedComponent[];
  /** The dataset the first step names. */
  dataset?: string;
  /** The samples as the Input receives them, when the datasets were known to the analysis. */
  spec?: DatasetSpec;
}

export interface AnalyzeOptions {
  /** Registered datasets: lets the analysis follow a data pipeline and check the graph fits it. */
  datasets?: DatasetLookup;
}

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

/** An edge into a named configuration handle rather than a tensor input. */
export const isAttachment = (edge: GraphEdge): boolean => (ATTACHMENT_KINDS as readonly string[]).includes(edge.targetHandle ?? "");

/**
 * Validates a structurally parsed graph and infers every shape. Pure: the editor calls it on
 * every change, the server before storing a job, the worker before compiling.
 */
export function analyzeGraph(graph: ModelGraph, options: AnalyzeOptions = {}): GraphAnalysis {
  const issues: GraphIssue[] = [];
  const nodeIssue = (node: GraphNode, code: GraphIssue["code"], reason: string, field?: string) =>
    issues.push({ code, nodeId: node.id, field, message: `${describe(node)}: ${reason}` });

  const byId = new Map<string, GraphNode>();
  for (const node of graph.nodes) {
    if (byId.has(node.id)) nodeIssue(node, "duplicate_node", "another node has the same id");
    else byId.set(node.id, node);
  }

  const layers = new Map<string, { layer: LayerDefinition; params: Record<string, unknown> }>();
  const components = new Map<string, AnalyzedComponent>();
  // Layers with invalid parameters still take part in the topology, so their neighbours' problems stay accurate.
  const layerDefinitions = new Map<string, LayerDefinition>();
  for (const node of byId.values()) {
    const definition = getNodeDefinition(node.type);
    if (!definition) {
      nodeIssue(node, "unknown_layer", `unknown layer type "${node.type}"`, "type");
      continue;
    }
    if (definition.kind === "layer") layerDefinitions.set(node.id, definition);
    const result = definition.params.safeParse(node.params ?? {});
    if (!result.success) {
      for (const problem of result.error.issues) {
        const field = ["params", ...problem.path].join(".");
        const name = problem.path.length > 0 ? `parameter "${problem.path.join(".")}"` : "parameters";
        nodeIssue(node, "invalid_param", `${name}: ${problem.message}`, field);
      }
      continue;
    }
    const params = result.data as Record<string, unknown>;
    if (definition.kind === "layer") layers.set(node.id, { layer: definition, params });
    else components.set(node.id, { node, definition, params });
  }

  graph.edges.forEach((edge, index) => {
    for (const end of ["source", "target"] as const) {
      if (!byId.has(edge[end])) {
        issues.push({
          code: "unknown_edge_endpoint",
          field: `edges.${index}.${end}`,
          message: `edge ${index} (${edge.source} → ${edge.target}): ${end} "${edge[end]}" is not a node of the graph`,
        });
      }
    }
  });

  const attachments = checkAttachments(graph.edges, byId, layers, components, nodeIssue);
  const isLayer = (id: string) => layerDefinitions.has(id) || !getNodeDefinition(byId.get(id)?.type ?? "");
  const tensorEdges = graph.edges.filter((e) => !isAttachment(e) && byId.has(e.source) && byId.has(e.target) && isLayer(e.source) && isLayer(e.target));
  for (const edge of graph.edges) {
    const end = !isAttachment(edge) ? [edge.source, edge.target].find((id) => components.has(id)) : undefined;
    if (end) nodeIssue(byId.get(end) as GraphNode, "arity", `carries no tensors: connect it to ${withArticle(components.get(end)?.definition.provides ?? "configuration")} input`);
  }

  const layerNodes = [...byId.values()].filter((n) => isLayer(n.id));
  const topo = topology(layerNodes, tensorEdges);
  for (const id of topo.cyclic) nodeIssue(byId.get(id) as GraphNode, "cycle", "is part of a cycle (a layer cannot feed itself)");

  const inputIds = layerNodes.filter((n) => layerDefinitions.get(n.id)?.category === "input").map((n) => n.id);
  const outputs = layerNodes.filter((n) => layerDefinitions.get(n.id)?.category === "output");
  if (inputIds.length === 0) issues.push({ code: "no_input", message: "the graph has no Input node" });
  if (outputs.length === 0) issues.push({ code: "no_output", message: "the graph has no Output node (it names the loss to train)" });
  for (const extra of outputs.slice(1)) nodeIssue(extra, "no_output", "only one Output node is supported; remove the others");
  const output = outputs[0];
  for (const o of outputs) {
    if ((topo.outgoing.get(o.id) ?? []).length > 0) nodeIssue(o, "arity", "an Output node must be last: nothing may follow it");
  }

  for (const node of layerNodes) {
    const definition = layerDefinitions.get(node.id);
    if (!definition) continue;
    const count = topo.incoming.get(node.id)?.length ?? 0;
    const { min, max } = definition.inputs;
    if (count < min || count > max) {
      const expected = min === max ? `${min}` : `${min} to ${max}`;
      nodeIssue(node, "arity", `takes ${expected} input${max === 1 ? "" : "s"}, has ${count}`);
    }
  }

  if (output && inputIds.length > 0) {
    const fromInputs = reachable(inputIds, topo.outgoing, true);
    const toOutput = reachable([output.id], topo.incoming, false);
    for (const node of layerNodes) {
      if (fromInputs.has(node.id) && toOutput.has(node.id)) continue;
      const why = !fromInputs.has(node.id) ? "no Input reaches it" : "it does not lead to the Output";
      nodeIssue(node, "disconnected", `is not connected: ${why}`);
    }
  }

  const shapes = new Map<string, Shape>();
  const analyzed: AnalyzedNode[] = [];
  let totalParams = 0;
  let totalFlops = 0;
  for (const id of topo.order) {
    const node = byId.get(id) as GraphNode;
    const entry = layers.get(id);
    if (!entry) continue;
    const inputIdsOf = (topo.incoming.get(id) ?? []).map((e) => e.source);
    const inputShapes = inputIdsOf.map((src) => shapes.get(src));
    const item: AnalyzedNode = {
      node,
      layer: entry.layer,
      params: entry.params,
      inputIds: inputIdsOf,
      inputShapes: [],
      paramCount: 0,
      flops: 0,
      regularization: attachments.regularizers.get(id),
    };
    analyzed.push(item);
    const { min, max } = entry.layer.inputs;
    if (inputShapes.some((s) => s === undefined) || inputShapes.length < min || inputShapes.length > max) continue;
    item.inputShapes = inputShapes as Shape[];
    try {
      item.outputShape = entry.layer.inferShape(item.inputShapes, entry.params);
      item.paramCount = entry.layer.paramCount(item.inputShapes, entry.params);
      item.flops = entry.layer.flops?.(item.inputShapes, entry.params, item.outputShape) ?? 0;
      shapes.set(id, item.outputShape);
      totalParams += item.paramCount;
      totalFlops += item.flops;
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      const seen = item.inputShapes.map(formatShape).join(", ");
      nodeIssue(node, "shape", `${error.message} (input shape ${seen})`);
    }
  }

  const data = dataPipeline(inputIds, attachments.taken, components, byId, nodeIssue);
  if (data && options.datasets) data.spec = followPipeline(data.steps, options.datasets, nodeIssue);
  const analysis: GraphAnalysis = {
    ok: issues.length === 0,
    issues,
    nodes: analyzed,
    components: [...components.values()],
    attachments: { optimizer: attachments.optimizer, schedule: attachments.schedule },
    data,
    inputIds,
    outputId: output?.id,
    totalParams,
    totalFlops,
  };
  if (analysis.ok && data?.spec) {
    issues.push(...checkDatasetFit(analysis, data.spec));
    analysis.ok = issues.length === 0;
  }
  return analysis;
}

/**
 * The data steps attached (through "data" handles) to an Input, walked back to their source. Only
 * one Input can take a pipeline: a job trains on one dataset.
 */
function dataPipeline(
  inputIds: string[],
  taken: Map<string, string>,
  components: Map<string, AnalyzedComponent>,
  byId: Map<string, GraphNode>,
  nodeIssue: (node: GraphNode, code: GraphIssue["code"], reason: string, field?: string) => void,
): DataPipeline | undefined {
  const fed = inputIds.filter((id) => taken.has(`${id}:data`));
  for (const extra of fed.slice(1)) nodeIssue(byId.get(extra) as GraphNode, "arity", `a second data pipeline feeds this Input; a job trains on one dataset (already feeding "${fed[0]}")`);
  const inputId = fed[0];
  const steps: AnalyzedComponent[] = [];
  const seen = new Set<string>();
  for (let id = inputId && taken.get(`${inputId}:data`); id !== undefined; id = taken.get(`${id}:data`)) {
    const step = components.get(id) as AnalyzedComponent;
    if (seen.has(id)) {
      nodeIssue(step.node, "cycle", "is part of a loop of data steps");
      return undefined;
    }
    seen.add(id);
    steps.unshift(step);
  }
  const attached = new Set(taken.values());
  for (const component of components.values()) {
    if (component.definition.provides === "data" && attached.has(component.node.id) && !seen.has(component.node.id)) {
      nodeIssue(component.node, "disconnected", "does not lead to an Input: end the chain of data steps at the model's Input");
    }
  }
  if (inputId === undefined) return undefined;
  const source = steps[0] as AnalyzedComponent;
  if (source.definition.data?.phase !== "source") {
    nodeIssue(source.node, "disconnected", "the data pipeline must start at a Dataset: connect one to its data input");
    return { inputId, steps };
  }
  return { inputId, steps, dataset: source.params.name as string };
}

/** The samples after each step in turn; a step that cannot apply is reported on its node. */
function followPipeline(
  steps: AnalyzedComponent[],
  datasets: DatasetLookup,
  nodeIssue: (node: GraphNode, code: GraphIssue["code"], reason: string, field?: string) => void,
): DatasetSpec | undefined {
  let spec: DatasetSpec | undefined;
  for (const step of steps) {
    try {
      spec = step.definition.data?.spec(spec, step.params, datasets);
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      nodeIssue(step.node, "shape", error.message);
      return undefined;
    }
  }
  return spec;
}

/**
 * Configuration edges: each goes from a component to a handle of its kind on a node that takes
 * it; a handle takes one component; every component is attached (an optimizer or schedule to
 * exactly one node, a regularizer to any number of layers).
 */
function checkAttachments(
  edges: GraphEdge[],
  byId: Map<string, GraphNode>,
  layers: Map<string, { layer: LayerDefinition; params: Record<string, unknown> }>,
  components: Map<string, AnalyzedComponent>,
  nodeIssue: (node: GraphNode, code: GraphIssue["code"], reason: string, field?: string) => void,
): Attachments & { regularizers: Map<string, Regularization>; taken: Map<string, string> } {
  const regularizers = new Map<string, Regularization>();
  const taken = new Map<string, string>();
  const targetsOf = new Map<string, string[]>();
  let optimizer: AnalyzedComponent | undefined;
  let schedule: AnalyzedComponent | undefined;
  for (const edge of edges.filter(isAttachment)) {
    const handle = edge.targetHandle as AttachmentKind;
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    const component = components.get(source.id);
    if (!component) {
      if (getNodeDefinition(source.type)?.kind === "layer") nodeIssue(source, "arity", `a layer cannot feed the ${handle} input of "${target.id}"`);
      continue;
    }
    if (component.definition.provides !== handle) {
      nodeIssue(source, "arity", `is ${withArticle(component.definition.provides)}, not ${withArticle(handle)}: attach it to ${withArticle(component.definition.provides)} input`);
      continue;
    }
    const accepts = layers.has(target.id) ? attachmentsOf((layers.get(target.id) as { layer: LayerDefinition }).layer) : (components.get(target.id)?.definition.accepts ?? []);
    if (!accepts.includes(handle)) {
      nodeIssue(source, "arity", `${target.type} "${target.id}" takes no ${handle}`);
      continue;
    }
    const slot = `${target.id}:${handle}`;
    if (taken.has(slot)) {
      nodeIssue(target, "arity", `has two ${handle}s attached (${taken.get(slot)} and ${source.id}); keep one`);
      continue;
    }
    taken.set(slot, source.id);
    targetsOf.set(source.id, [...(targetsOf.get(source.id) ?? []), target.id]);
    if (handle === "regularizer" && component.definition.regularizer) regularizers.set(target.id, component.definition.regularizer.factors(component.params));
    if (handle === "optimizer") optimizer = component;
    if (handle === "schedule") schedule = component;
  }
  for (const component of components.values()) {
    const targets = targetsOf.get(component.node.id) ?? [];
    if (targets.length === 0) nodeIssue(component.node, "disconnected", `is not attached: connect it to ${withArticle(component.definition.provides)} input`);
    if (targets.length > 1 && component.definition.provides !== "regularizer") {
      nodeIssue(component.node, "arity", `is attached to ${targets.length} nodes (${targets.join(", ")}); ${withArticle(component.definition.provides)} serves one`);
    }
  }
  return { optimizer, schedule, regularizers, taken };
}

function describe(node: GraphNode): string {
  return `node "${node.id}" (${node.type})`;
}
