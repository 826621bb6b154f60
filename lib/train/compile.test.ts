import { beforeAll, describe, expect, it } from "vitest";
import { templates } from "../graph/templates";
import { compileGraph, GraphCompileError } from "./compile";
import { DEFAULT_HYPERPARAMETERS } from "../job/hyperparameters";
import { tf } from "./runtime-tf";
import { disposeModel } from "./train-loop";

describe("compileGraph", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });

  it.each(templates.map((t) => [t.id, t]))("builds %s with exactly the trainable parameters analysis counted", (_id, template) => {
    const { model, analysis } = compileGraph(tf, template.graph, DEFAULT_HYPERPARAMETERS);
    const trainable = model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, d) => a * (d ?? 1), 1), 0);
    expect(trainable).toBe(analysis.totalParams);
    const output = analysis.nodes.find((n) => n.node.id === analysis.outputId);
    expect(model.outputs[0]?.shape.slice(1)).toEqual(output?.outputShape);
    disposeModel(model);
  });

  it("refuses an invalid graph with the analysis messages", () => {
    const broken = structuredClone(templates[0]?.graph);
    if (!broken) throw new Error("no template");
    broken.edges = [];
    expect(() => compileGraph(tf, broken, DEFAULT_HYPERPARAMETERS)).toThrow(GraphCompileError);
  });
});
