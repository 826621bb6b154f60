import { describe, expect, it } from "vitest";
import { digitsSpec } from "../data/test-fixtures";
import { prepareGraph, prepareParsedGraph } from "./prepare";
import { chain } from "./templates/template";
import type { GraphNode, ModelGraph } from "./types";

const digits = digitsSpec(100);

/** Input → Flatten → Dense(10, softmax) → Output: fits the digits as they are. */
const classifier = (input: Partial<GraphNode> = {}, dense: Record<string, unknown> = { units: 10, activation: "softmax" }): ModelGraph =>
  chain("classifier", [
    { id: "in", type: "Input", params: { shape: [28, 28, 1] }, ...input },
    { id: "flat", type: "Flatten", params: {} },
    { id: "head", type: "Dense", params: dense },
    { id: "out", type: "Output", params: { loss: "categoricalCrossentropy" } },
  ]);

/** The classifier fed by a Dataset node (and the given steps after it) through its Input's data handle. */
function fedBy(dataset: string, steps: GraphNode[] = [], graph = classifier()): ModelGraph {
  const pipeline = [{ id: "data", type: "Dataset", params: { name: dataset } }, ...steps];
  return {
    ...graph,
    nodes: [...pipeline, ...graph.nodes],
    edges: [...pipeline.map((n, i) => ({ source: n.id, target: pipeline[i + 1]?.id ?? "in", targetHandle: "data" })), ...graph.edges],
  };
}

describe("prepareGraph", () => {
  it("returns the graph, its analysis and its fit to the dataset from one call", () => {
    const prepared = prepareGraph(JSON.stringify(classifier()), { dataset: digits });
    expect(prepared).toMatchObject({ ok: true, issues: [], graph: { name: "classifier" }, analysis: { ok: true, outputId: "out" }, fit: { spec: digits, issues: [] } });
    expect(prepared.analysis?.nodes.map((n) => n.outputShape)).toEqual([[28, 28, 1], [784], [10], [10]]);
  });

  it("returns only the parse issues, and no graph, for input that is not JSON", () => {
    const prepared = prepareGraph("{", { dataset: digits });
    expect(prepared.graph).toBeUndefined();
    expect(prepared.analysis).toBeUndefined();
    expect(prepared.issues).toEqual([expect.objectContaining({ code: "malformed" })]);
  });

  it("names the node and field of a structural problem", () => {
    const graph = { ...classifier(), nodes: [{ id: "in", type: 5 }] };
    expect(prepareGraph(graph).issues).toEqual([expect.objectContaining({ code: "malformed", nodeId: "in", field: "nodes.0.type" })]);
  });

  it("names the node and field of an analysis problem", () => {
    const prepared = prepareGraph(classifier({}, { units: -1 }));
    expect(prepared.issues).toEqual([expect.objectContaining({ code: "invalid_param", nodeId: "head", field: "params.units" })]);
  });

  it("names the node and field of a dataset misfit, and keeps it out of the analysis's verdict", () => {
    const prepared = prepareGraph(classifier({ params: { shape: [14, 14, 1] } }), { dataset: digits });
    const misfit = expect.objectContaining({ code: "dataset_mismatch", nodeId: "in", field: "params.shape" });
    expect(prepared).toMatchObject({ ok: false, analysis: { ok: true, issues: [] }, fit: { issues: [misfit] }, issues: [misfit] });
  });

  it("lists the analysis's issues before the dataset fit's", () => {
    const prepared = prepareGraph(fedBy("two-moons", [], classifier({}, { units: 0 })), { dataset: digits });
    expect(prepared.issues.map((i) => [i.code, i.nodeId])).toEqual([
      ["invalid_param", "head"],
      ["dataset_mismatch", "data"],
    ]);
  });

  it("checks the model against the dataset only when the graph is valid", () => {
    const prepared = prepareGraph(classifier({ params: { shape: [14, 14, 1] } }, { units: 0 }), { dataset: digits });
    expect(prepared.fit).toEqual({ spec: digits, issues: [] });
  });

  it("fits no dataset when none is given", () => {
    expect(prepareGraph(classifier({ params: { shape: [14, 14, 1] } })).fit).toEqual({ issues: [] });
  });

  it("refuses a Dataset node that names another dataset than the job's, naming its field", () => {
    const prepared = prepareGraph(fedBy("two-moons"), { dataset: digits });
    expect(prepared.issues).toEqual([
      expect.objectContaining({ code: "dataset_mismatch", nodeId: "data", field: "params.name", message: 'node "data" (Dataset): names "two-moons" but the job trains on "digits"' }),
    ]);
  });

  it("names the data step that cannot apply to the job's dataset", () => {
    const prepared = prepareGraph(fedBy("digits", [{ id: "hot", type: "OneHot", params: { classes: 5 } }]), { dataset: digits });
    expect(prepared.issues).toEqual([expect.objectContaining({ code: "shape", nodeId: "hot", message: expect.stringContaining("10 classes") })]);
  });

  it("checks the model against the samples its data steps produce", () => {
    const prepared = prepareGraph(fedBy("digits", [{ id: "hot", type: "OneHot", params: { classes: 10 } }]), { dataset: digits });
    expect(prepared).toMatchObject({ ok: true, fit: { spec: { name: "digits", targets: { classes: 10 } } } });
  });

  it("takes the dataset a Dataset node names from a catalog", () => {
    const catalog = (name: string) => (name === "digits" ? digits : undefined);
    expect(prepareGraph(fedBy("digits"), { catalog })).toMatchObject({ ok: true, fit: { spec: digits } });
    expect(prepareGraph(fedBy("cifar"), { catalog }).issues).toEqual([expect.objectContaining({ nodeId: "data", message: expect.stringContaining('no dataset named "cifar"') })]);
  });

  it("leaves a graph without a data pipeline unfitted against a catalog", () => {
    expect(prepareGraph(classifier(), { catalog: () => digits }).fit).toEqual({ issues: [] });
  });
});

describe("prepareParsedGraph", () => {
  it("gives a parsed graph the verdict its JSON gets", () => {
    const graph = classifier({ params: { shape: [14, 14, 1] } });
    expect(prepareParsedGraph(graph, { dataset: digits })).toEqual(prepareGraph(JSON.stringify(graph), { dataset: digits }));
  });
});
