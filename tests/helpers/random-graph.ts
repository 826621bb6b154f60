import { analyzeGraph } from "../../lib/graph/analyze";
import { exampleLayers } from "../../lib/graph/examples";
import { ShapeError, type LayerDefinition } from "../../lib/graph/layer";
import { getLayer } from "../../lib/graph/registry";
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphEdge, type GraphNode, type ModelGraph, type Shape } from "../../lib/graph/types";
import { seededRandom } from "../../lib/data/random";

const STARTS: { shape: number[]; dtype?: "int32" }[] = [{ shape: [12] }, { shape: [8, 6] }, { shape: [10, 10, 3] }, { shape: [9], dtype: "int32" }];

/** Small, varied parameters for a layer: its example's, with sizes shuffled a little. */
function paramsFor(layer: LayerDefinition, random: () => number): Record<string, unknown> {
  const params: Record<string, unknown> = { ...(layer.example?.params ?? {}) };
  for (const key of ["units", "filters"]) if (key in params || layer.params.safeParse({ [key]: 4 }).success) params[key] = 2 + Math.floor(random() * 7);
  if (layer.type === "Embedding") Object.assign(params, { inputDim: 12, outputDim: 4 + 2 * Math.floor(random() * 3) });
  if (layer.type === "MultiHeadAttention" || layer.type === "TransformerEncoder") params.numHeads = 1;
  if (layer.type === "Reshape" || layer.type === "Permute") return {};
  return params;
}

/** Whether a layer can take this one input, and what it returns. */
function tryLayer(layer: LayerDefinition, params: Record<string, unknown>, shape: Shape): Shape | undefined {
  if (layer.inputs.min > 1) return undefined;
  const parsed = layer.params.safeParse(params);
  if (!parsed.success) return undefined;
  try {
    const out = layer.inferShape([shape], parsed.data);
    return out.every((d) => d !== null && d > 0) && out.reduce<number>((a, d) => a * (d ?? 1), 1) < 5000 ? out : undefined;
  } catch (error) {
    if (error instanceof ShapeError) return undefined;
    throw error;
  }
}

/**
 * A random valid graph: an Input, a walk of layers that accept the running shape, now and then a
 * residual (Add) or a concatenation around a Dense, and an MSE Output. Seeded, so failures replay.
 */
export function randomGraph(seed: number, length = 5): ModelGraph {
  const random = seededRandom(seed);
  const start = STARTS[Math.floor(random() * STARTS.length)] as (typeof STARTS)[number];
  const nodes: GraphNode[] = [{ id: "input", type: "Input", params: { ...start } }];
  const edges: GraphEdge[] = [];
  let tip = "input";
  let shape: Shape = start.shape;
  const candidates = exampleLayers().filter((l) => l.inputs.min === 1);
  const add = (type: string, params: Record<string, unknown>, inputs: string[]) => {
    const id = `n${nodes.length}`;
    nodes.push({ id, type, params });
    inputs.forEach((source, i) => edges.push({ source, target: id, targetHandle: `in${i}` }));
    return id;
  };
  for (let step = 0; step < length; step++) {
    if (start.dtype === "int32" && step === 0) {
      const embedding = getLayer("Embedding") as LayerDefinition;
      const params = paramsFor(embedding, random);
      tip = add("Embedding", params, [tip]);
      shape = tryLayer(embedding, params, shape) as Shape;
      continue;
    }
    if (random() < 0.2 && shape.length >= 1) {
      // A branch through a Dense of the same width, merged back.
      const width = shape[shape.length - 1] as number;
      const branch = add("Dense", { units: width, activation: "relu" }, [tip]);
      tip = random() < 0.5 ? add("Add", {}, [tip, branch]) : add("Concatenate", { axis: -1 }, [tip, branch]);
      shape = analyzeGraph({
        format: GRAPH_FORMAT,
        version: GRAPH_VERSION,
        nodes: [...nodes, { id: "o", type: "Output", params: { loss: "meanSquaredError" } }],
        edges: [...edges, { source: tip, target: "o" }],
      }).nodes.find((n) => n.node.id === tip)?.outputShape as Shape;
      continue;
    }
    for (let tries = 0; tries < 40; tries++) {
      const layer = candidates[Math.floor(random() * candidates.length)] as LayerDefinition;
      if (layer.type === "Embedding") continue;
      const params = paramsFor(layer, random);
      const out = tryLayer(layer, params, shape);
      if (!out) continue;
      tip = add(layer.type, params, [tip]);
      shape = out;
      break;
    }
  }
  // A final Dense, so that every graph has weights to train.
  tip = add("Dense", { units: 3 }, [tip]);
  nodes.push({ id: "output", type: "Output", params: { loss: "meanSquaredError" } });
  edges.push({ source: tip, target: "output" });
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: `random ${seed}`, nodes, edges };
}
