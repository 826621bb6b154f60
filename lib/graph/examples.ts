import type { LayerDefinition } from "./layer";
import { layerRegistry } from "./registry";
import { chain } from "./templates/template";
import { GRAPH_FORMAT, GRAPH_VERSION, type ModelGraph } from "./types";

/** A small classifier of 2-D points into 3 classes (lib/data/test-fixtures.ts' blobs): trains in moments, for tests. */
export const blobsClassifier: ModelGraph = chain("blobs", [
  { id: "in", type: "Input", params: { shape: [2] } },
  { id: "hidden", type: "Dense", params: { units: 8, activation: "relu" } },
  { id: "head", type: "Dense", params: { units: 3 } },
  { id: "softmax", type: "Softmax", params: {} },
  { id: "out", type: "Output", params: {} },
]);

/**
 * The smallest graph using a layer: its example inputs feeding it, feeding an MSE Output —
 * through a small Dense head when asked, so that weightless layers have something to train.
 * Shared by the registry-wide tests and the palette's previews.
 */
export function exampleGraph(layer: LayerDefinition, options: { head?: boolean } = {}): ModelGraph {
  const example = layer.example;
  if (!example) throw new Error(`${layer.type} has no example`);
  const inputs = example.inputs.map((input, i) => ({
    id: `in${i}`,
    type: "Input",
    params: { shape: input.shape, ...(input.dtype ? { dtype: input.dtype } : {}) },
  }));
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: `${layer.type} example`,
    nodes: [
      ...inputs,
      { id: "layer", type: layer.type, params: example.params ?? {} },
      ...(options.head ? [{ id: "head", type: "Dense", params: { units: 3 } }] : []),
      { id: "out", type: "Output", params: { loss: "meanSquaredError" } },
    ],
    edges: [
      ...inputs.map((n, i) => ({ source: n.id, target: "layer", targetHandle: `in${i}` })),
      ...(options.head
        ? [
            { source: "layer", target: "head" },
            { source: "head", target: "out" },
          ]
        : [{ source: "layer", target: "out" }]),
    ],
  };
}

/** Every layer that can appear between Input and Output, with its example. */
export function exampleLayers(): LayerDefinition[] {
  return [...layerRegistry.values()].filter((l) => l.category !== "input" && l.category !== "output");
}
