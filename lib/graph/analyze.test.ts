import { describe, expect, it } from "vitest";
import { analyzeGraph } from "./analyze";
import { chain } from "./templates/template";
import { templates } from "./templates";
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphNode, type ModelGraph } from "./types";

const mlp = (hidden: Record<string, unknown> = { units: 16, activation: "relu" }) =>
  chain("t", [
    { id: "in", type: "Input", params: { shape: [4] } },
    { id: "hidden", type: "Dense", params: hidden },
    { id: "head", type: "Dense", params: { units: 3, activation: "softmax" } },
    { id: "out", type: "Output", params: {} },
  ]);

const graph = (nodes: GraphNode[], edges: ModelGraph["edges"]): ModelGraph => ({ format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges });

describe("analyzeGraph", () => {
  it("accepts a valid chain and infers every shape", () => {
    const a = analyzeGraph(mlp());
    expect(a.issues).toEqual([]);
    expect(a.nodes.map((n) => [n.node.id, n.outputShape])).toEqual([
      ["in", [4]],
      ["hidden", [16]],
      ["head", [3]],
      ["out", [3]],
    ]);
  });

  it("counts parameters per node and in total", () => {
    const a = analyzeGraph(mlp());
    expect(a.nodes.find((n) => n.node.id === "hidden")?.paramCount).toBe(4 * 16 + 16);
    expect(a.totalParams).toBe(4 * 16 + 16 + 16 * 3 + 3);
  });

  it("fills in parameter defaults", () => {
    const a = analyzeGraph(mlp({ units: 8 }));
    expect(a.nodes.find((n) => n.node.id === "hidden")?.params).toEqual({ units: 8, activation: "linear", useBias: true });
  });

  it("names the node and parameter of an out-of-range value", () => {
    const a = analyzeGraph(mlp({ units: 0 }));
    expect(a.ok).toBe(false);
    expect(a.issues).toHaveLength(1);
    expect(a.issues[0]).toMatchObject({ code: "invalid_param", nodeId: "hidden", field: "params.units" });
    expect(a.issues[0]?.message).toContain('node "hidden" (Dense)');
  });

  it("rejects unknown parameters so that typos do not pass silently", () => {
    const a = analyzeGraph(mlp({ unit: 8 }));
    expect(a.issues[0]).toMatchObject({ code: "invalid_param", nodeId: "hidden" });
    expect(a.issues[0]?.message).toMatch(/unit/);
  });

  it("names an unknown layer type", () => {
    const g = mlp();
    (g.nodes[1] as GraphNode).type = "Densee";
    expect(analyzeGraph(g).issues[0]).toMatchObject({ code: "unknown_layer", nodeId: "hidden", field: "type" });
  });

  it("reports every node of a cycle", () => {
    const g = mlp();
    g.edges.push({ source: "head", target: "hidden" });
    const cyclic = analyzeGraph(g)
      .issues.filter((i) => i.code === "cycle")
      .map((i) => i.nodeId);
    expect(cyclic.sort()).toEqual(["head", "hidden", "out"]);
  });

  it("reports a node with a missing input", () => {
    const g = mlp();
    g.edges = g.edges.filter((e) => e.target !== "head");
    const issues = analyzeGraph(g).issues;
    expect(issues).toContainEqual(expect.objectContaining({ code: "arity", nodeId: "head" }));
  });

  it("reports a node that does not lead to the Output", () => {
    const g = mlp();
    g.nodes.push({ id: "stray", type: "Dense", params: { units: 2 } });
    g.edges.push({ source: "hidden", target: "stray" });
    expect(analyzeGraph(g).issues).toContainEqual(expect.objectContaining({ code: "disconnected", nodeId: "stray" }));
  });

  it("reports an edge to a node that does not exist", () => {
    const g = mlp();
    g.edges.push({ source: "hidden", target: "ghost" });
    expect(analyzeGraph(g).issues).toContainEqual(expect.objectContaining({ code: "unknown_edge_endpoint", field: "edges.3.target" }));
  });

  it("requires an Input and an Output", () => {
    const codes = analyzeGraph(graph([{ id: "d", type: "Dense", params: {} }], [])).issues.map((i) => i.code);
    expect(codes).toContain("no_input");
    expect(codes).toContain("no_output");
  });

  it("rejects duplicate node ids", () => {
    const g = mlp();
    g.nodes.push({ id: "hidden", type: "Dense", params: { units: 2 } });
    expect(analyzeGraph(g).issues).toContainEqual(expect.objectContaining({ code: "duplicate_node", nodeId: "hidden" }));
  });

  it("lists problems by pass: parameters, then wiring, then shapes", () => {
    const g = chain("three problems", [
      { id: "in", type: "Input", params: { shape: [12] } },
      { id: "flat", type: "Flatten", params: {} },
      { id: "hidden", type: "Dense", params: { units: 0 } },
      { id: "out", type: "Output", params: {} },
    ]);
    g.nodes.push({ id: "stray", type: "ReLU", params: {} });
    expect(analyzeGraph(g).issues.map((i) => [i.code, i.nodeId])).toEqual([
      ["invalid_param", "hidden"],
      ["arity", "stray"],
      ["disconnected", "stray"],
      ["shape", "flat"],
    ]);
  });

  it("explains a shape mismatch at the node where it happens", () => {
    const g = chain("conv on vectors", [
      { id: "in", type: "Input", params: { shape: [784] } },
      { id: "conv", type: "Conv2D", params: { filters: 4 } },
      { id: "out", type: "Output", params: {} },
    ]);
    const issue = analyzeGraph(g).issues[0];
    expect(issue).toMatchObject({ code: "shape", nodeId: "conv" });
    expect(issue?.message).toContain("rank 3");
    expect(issue?.message).toContain("[784]");
  });

  it("asks to remove a Flatten whose input is already flat", () => {
    const g = chain("flat", [
      { id: "in", type: "Input", params: { shape: [12] } },
      { id: "flat", type: "Flatten", params: {} },
      { id: "out", type: "Output", params: {} },
    ]);
    expect(analyzeGraph(g).issues[0]).toMatchObject({ code: "shape", nodeId: "flat", message: expect.stringContaining("already flat") });
  });

  it("rejects a pooling window larger than its input", () => {
    const g = chain("tiny", [
      { id: "in", type: "Input", params: { shape: [2, 2, 1] } },
      { id: "pool", type: "MaxPool2D", params: { poolSize: 3, strides: 1 } },
      { id: "out", type: "Output", params: {} },
    ]);
    expect(analyzeGraph(g).issues[0]).toMatchObject({ code: "shape", nodeId: "pool" });
  });

  it("infers convolution and pooling shapes for both paddings", () => {
    const g = chain("conv", [
      { id: "in", type: "Input", params: { shape: [28, 28, 1] } },
      { id: "valid", type: "Conv2D", params: { filters: 8, kernelSize: 5 } },
      { id: "same", type: "Conv2D", params: { filters: 4, kernelSize: 3, strides: 2, padding: "same" } },
      { id: "pool", type: "MaxPool2D", params: {} },
      { id: "flat", type: "Flatten", params: {} },
      { id: "out", type: "Output", params: {} },
    ]);
    const shapes = Object.fromEntries(analyzeGraph(g).nodes.map((n) => [n.node.id, n.outputShape]));
    expect(shapes).toMatchObject({ valid: [24, 24, 8], same: [12, 12, 4], pool: [6, 6, 4], flat: [144] });
  });

  it.each(templates.map((t) => [t.id, t]))("accepts the built-in template %s", (_id, template) => {
    expect(analyzeGraph(template.graph).issues).toEqual([]);
  });
});
