import { beforeAll, describe, expect, it } from "vitest";
import { prepareParsedGraph } from "../graph/prepare";
import { templates } from "../graph/templates";
import type { ModelGraph } from "../graph/types";
import { compileGraph, GraphCompileError } from "./compile";
import { DEFAULT_HYPERPARAMETERS } from "../job/hyperparameters";
import { tf } from "./runtime-tf";
import { disposeModel } from "./train-loop";

describe("compileGraph", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });

  it.each(templates.map((t) => [t.id, t]))("builds %s with exactly the trainable parameters analysis counted", (_id, template) => {
    const prepared = prepareParsedGraph(template.graph);
    const { model } = compileGraph(tf, prepared, DEFAULT_HYPERPARAMETERS);
    const { analysis } = prepared;
    const trainable = model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, d) => a * (d ?? 1), 1), 0);
    expect(trainable).toBe(analysis.totalParams);
    const output = analysis.nodes.find((n) => n.node.id === analysis.outputId);
    expect(model.outputs[0]?.shape.slice(1)).toEqual(output?.outputShape);
    disposeModel(model);
  });

  it("builds from the analysis it is given rather than analysing the graph again", () => {
    const { graph, analysis } = prepareParsedGraph(templates[0]?.graph as ModelGraph);
    const flagged = { ...analysis, ok: false, issues: [{ code: "shape" as const, message: "flagged by the caller" }] };
    expect(() => compileGraph(tf, { graph, analysis: flagged }, DEFAULT_HYPERPARAMETERS)).toThrow("flagged by the caller");
  });

  it("refuses an invalid graph with the analysis messages", () => {
    const broken = structuredClone(templates[0]?.graph);
    if (!broken) throw new Error("no template");
    broken.edges = [];
    expect(() => compileGraph(tf, prepareParsedGraph(broken), DEFAULT_HYPERPARAMETERS)).toThrow(GraphCompileError);
  });
});
