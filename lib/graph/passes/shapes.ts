import { nodeIssue } from "../issues";
import { ShapeError, type LayerDefinition, type Regularization } from "../layer";
import { formatShape, type GraphIssue, type GraphNode, type Shape } from "../types";
import type { Structure } from "./structure";
import type { Wiring } from "./wiring";

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

export interface Shapes {
  /** Layers in topological order (only those whose parameters are valid). */
  nodes: AnalyzedNode[];
  totalParams: number;
  totalFlops: number;
  issues: GraphIssue[];
}

/**
 * Each layer's output shape, parameter count and FLOPs, in topological order. A layer whose inputs
 * are unknown (an upstream problem) or of the wrong number is listed without a shape, so that only
 * the first problem along a path is reported.
 */
export function inferShapes({ byId, layers }: Structure, { topology }: Wiring, regularizers: Map<string, Regularization>): Shapes {
  const issues: GraphIssue[] = [];
  const shapes = new Map<string, Shape>();
  const nodes: AnalyzedNode[] = [];
  let totalParams = 0;
  let totalFlops = 0;
  for (const id of topology.order) {
    const node = byId.get(id) as GraphNode;
    const entry = layers.get(id);
    if (!entry) continue;
    const inputIds = (topology.incoming.get(id) ?? []).map((e) => e.source);
    const inputShapes = inputIds.map((src) => shapes.get(src));
    const item: AnalyzedNode = {
      node,
      layer: entry.layer,
      params: entry.params,
      inputIds,
      inputShapes: [],
      paramCount: 0,
      flops: 0,
      regularization: regularizers.get(id),
    };
    nodes.push(item);
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
      issues.push(nodeIssue(node, "shape", `${error.message} (input shape ${seen})`));
    }
  }
  return { nodes, totalParams, totalFlops, issues };
}
