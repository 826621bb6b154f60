import { beforeAll, describe, expect, it } from "vitest";
import { tf } from "../train/runtime-tf";
import { compileGraph } from "../train/compile";
import { disposeModel } from "../train/train-loop";
import { analyzeGraph } from "./analyze";
import { exampleGraph, exampleLayers } from "./examples";
import { prepareParsedGraph } from "./prepare";
import { nodeRegistry } from "./registry";

const hp = { epochs: 1, batchSize: 4, learningRate: 0.01, optimizer: "adam" as const, validationSplit: 0, seed: 3 };

/** Random inputs for an example graph: floats, or token ids below 2 for integer inputs. */
function inputsFor(graph: ReturnType<typeof exampleGraph>, batch: number): tf.Tensor[] {
  return graph.nodes
    .filter((n) => n.type === "Input")
    .map((n) => {
      const { shape, dtype } = n.params as { shape: number[]; dtype?: string };
      return dtype === "int32" ? tf.randomUniform([batch, ...shape], 0, 2, "int32") : tf.randomNormal([batch, ...shape], 0, 1, "float32", 1);
    });
}

const trainableCount = (model: tf.LayersModel) => model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);

describe("the layer registry", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });

  it("documents every node type with a label, a category, a description and parameter defaults", () => {
    for (const layer of nodeRegistry.values()) {
      expect(layer.label, layer.type).toBeTruthy();
      expect(layer.description.length, layer.type).toBeGreaterThan(20);
      expect(layer.params.safeParse({}).success, `${layer.type} accepts {} with defaults`).toBe(true);
    }
  });

  it("gives every layer an example and code for PyTorch, Keras and TensorFlow.js", () => {
    for (const layer of exampleLayers()) {
      expect(layer.example, layer.type).toBeDefined();
      expect(layer.codegen, layer.type).toBeDefined();
    }
  });

  describe.each(exampleLayers().map((l) => [l.type, l] as const))("%s", (_type, layer) => {
    it("infers the output shape and parameter count that tfjs builds", () => {
      const graph = exampleGraph(layer);
      const analysis = analyzeGraph(graph);
      expect(analysis.issues).toEqual([]);
      const node = analysis.nodes.find((n) => n.node.id === "layer");
      const { model } = compileGraph(tf, { graph, analysis }, hp);
      expect(model.outputs[0]?.shape.slice(1)).toEqual(node?.outputShape);
      expect(trainableCount(model)).toBe(node?.paramCount);
      expect(node?.flops).toBeGreaterThanOrEqual(0);
      disposeModel(model);
    });

    it("trains a step on the wasm backend with a finite loss", async () => {
      const graph = exampleGraph(layer, { head: true });
      const { model } = compileGraph(tf, prepareParsedGraph(graph), hp);
      const xs = inputsFor(graph, 4);
      const ys = tf.randomNormal([4, ...(model.outputs[0]?.shape.slice(1) as number[])]);
      const loss = await model.trainOnBatch(xs.length === 1 ? (xs[0] as tf.Tensor) : xs, ys);
      expect(Number.isFinite(Array.isArray(loss) ? loss[0] : loss)).toBe(true);
      tf.dispose([...xs, ys]);
      disposeModel(model);
    });
  });
});
