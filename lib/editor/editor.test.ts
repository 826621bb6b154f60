import { describe, expect, it } from "vitest";
import { analyzeGraph } from "../graph/analyze";
import { mlpDigits } from "../graph/templates/mlp-digits";
import { addNode, connect, copyFragment, parseFragment, pasteFragment, removeNodes, setParams, pointAtDataset } from "./commands";
import { attachmentHandles, checkConnection, inputHandles } from "./connections";
import { emptyDocument, fromExecutionGraph, loadDocument, serializeDocument, toExecutionGraph } from "./document";
import { commit, redo, replace, settle, startHistory, undo } from "./history";
import { newNodeId } from "./ids";
import { autoLayout } from "./layout";

const analysisOf = (doc: ReturnType<typeof emptyDocument>) => analyzeGraph(toExecutionGraph(doc));

describe("editor documents", () => {
  it("round-trip an execution graph through the editor unchanged", () => {
    const doc = fromExecutionGraph(mlpDigits.graph);
    const back = toExecutionGraph(doc);
    expect(back.nodes).toEqual(mlpDigits.graph.nodes);
    expect(back.edges.map(({ source, target }) => ({ source, target }))).toEqual(mlpDigits.graph.edges);
  });

  it("load back what they serialise", () => {
    const doc = fromExecutionGraph(mlpDigits.graph);
    expect(loadDocument(serializeDocument(doc))).toEqual({ ok: true, document: doc });
  });

  it("open a bare execution graph file", () => {
    const result = loadDocument(JSON.stringify(mlpDigits.graph));
    expect(result.ok && result.document.nodes).toHaveLength(mlpDigits.graph.nodes.length);
  });

  it.each([
    ["corrupted", "{ nodes: ", /not a JSON file/],
    ["foreign", JSON.stringify({ format: "onnx", graph: {} }), /not a CyxWiz model/],
    ["future", JSON.stringify({ format: "cyxwiz.editor", version: 99, name: "x", nodes: [], edges: [] }), /version 99/],
    ["damaged", JSON.stringify({ format: "cyxwiz.editor", version: 1, name: "x", nodes: [{ id: "a" }], edges: [] }), /damaged at nodes\.0/],
    ["unknown types", JSON.stringify({ format: "cyxwiz.editor", version: 1, name: "x", nodes: [{ id: "a", type: "Quantum", params: {}, position: { x: 0, y: 0 } }], edges: [] }), /Quantum/],
  ])("refuse a %s file with a reason", (_kind, text, message) => {
    const result = loadDocument(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe("editor commands", () => {
  it("add a node with its parameter defaults and a readable unique id", () => {
    let doc = emptyDocument();
    ({ doc } = addNode(doc, "Dense", { x: 0, y: 0 }));
    const { doc: next, id } = addNode(doc, "Dense", { x: 0, y: 100 });
    expect(id).toBe("dense_2");
    expect(next.nodes[1]?.params).toEqual({ units: 64, activation: "linear", useBias: true });
  });

  it("replace the edge into an input handle instead of stacking a second one", () => {
    let doc = fromExecutionGraph(mlpDigits.graph);
    doc = connect(doc, "input", "hidden2", "in0");
    expect(doc.edges.filter((e) => e.target === "hidden2").map((e) => e.source)).toEqual(["input"]);
  });

  it("delete nodes together with the edges touching them", () => {
    const doc = removeNodes(fromExecutionGraph(mlpDigits.graph), ["dropout1"]);
    expect(doc.nodes.map((n) => n.id)).not.toContain("dropout1");
    expect(doc.edges.some((e) => e.source === "dropout1" || e.target === "dropout1")).toBe(false);
  });

  it("paste a copied fragment with fresh ids and its inner edges", () => {
    const doc = fromExecutionGraph(mlpDigits.graph);
    const fragment = parseFragment(JSON.stringify(copyFragment(doc, ["hidden1", "dropout1"])));
    expect(fragment).toBeDefined();
    const { doc: pasted, ids } = pasteFragment(doc, fragment as NonNullable<typeof fragment>, { x: 40, y: 40 });
    expect(ids).toEqual(["dense", "dropout"]);
    expect(pasted.edges).toContainEqual(expect.objectContaining({ source: "dense", target: "dropout" }));
  });

  it("ignore clipboard text that is not a fragment", () => {
    expect(parseFragment("hello")).toBeUndefined();
    expect(parseFragment(JSON.stringify({ format: "cyxwiz.fragment", nodes: [{ id: 3 }], edges: [] }))).toBeUndefined();
  });

  it("name new nodes after their type", () => {
    expect(newNodeId("MaxPool2D", [])).toBe("max_pool2d");
    expect(newNodeId("Conv2DTranspose", [])).toBe("conv2d_transpose");
    expect(newNodeId("LSTM", ["lstm"])).toBe("lstm_2");
  });
});

describe("connection checks", () => {
  const doc = fromExecutionGraph(mlpDigits.graph);
  const analysis = analysisOf(doc);

  it("refuse a connection that would close a cycle", () => {
    expect(checkConnection(doc, analysis, "hidden2", "hidden1")).toMatchObject({ ok: false, reason: expect.stringMatching(/cycle/) });
  });

  it("refuse feeding a layer a tensor it cannot take, saying why", () => {
    const { doc: withConv } = addNode(doc, "Conv2D", { x: 0, y: 0 });
    const verdict = checkConnection(withConv, analysisOf(withConv), "hidden1", "conv2d");
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/\[128\].*rank 3/) });
  });

  it("accept the first connection a person draws from a dragged Input: its default shape suits a Flatten and a Conv2D", () => {
    const { doc: withInput, id: input } = addNode(emptyDocument(), "Input", { x: 0, y: 0 });
    const { doc: withFlatten, id: flatten } = addNode(withInput, "Flatten", { x: 0, y: 100 });
    const { doc: withConv, id: conv } = addNode(withFlatten, "Conv2D", { x: 100, y: 100 });
    expect(checkConnection(withConv, analysisOf(withConv), input, flatten)).toEqual({ ok: true });
    expect(checkConnection(withConv, analysisOf(withConv), input, conv)).toEqual({ ok: true });
  });

  it("accept a compatible connection", () => {
    const { doc: withDense } = addNode(doc, "Dense", { x: 0, y: 0 });
    expect(checkConnection(withDense, analysisOf(withDense), "hidden1", "dense")).toEqual({ ok: true });
  });

  it("offer merge layers one more input handle than they use", () => {
    let withAdd = addNode(doc, "Add", { x: 0, y: 0 }).doc;
    expect(inputHandles(withAdd, "add", "Add")).toEqual(["in0", "in1"]);
    withAdd = connect(connect(withAdd, "hidden1", "add", "in0"), "dropout1", "add", "in1");
    expect(inputHandles(withAdd, "add", "Add")).toEqual(["in0", "in1", "in2"]);
  });

  it("plug an optimizer into an Output's optimizer input and nowhere else", () => {
    const withAdam = addNode(doc, "Adam", { x: 0, y: 0 }).doc;
    const analysis = analysisOf(withAdam);
    expect(checkConnection(withAdam, analysis, "adam", "output", "optimizer")).toEqual({ ok: true });
    expect(checkConnection(withAdam, analysis, "adam", "hidden1", "in0")).toMatchObject({ ok: false, reason: expect.stringMatching(/carries no tensors/) });
    expect(checkConnection(withAdam, analysis, "adam", "hidden1", "regularizer")).toMatchObject({ ok: false, reason: expect.stringMatching(/Adam is an optimizer, not a regularizer/) });
    expect(checkConnection(withAdam, analysis, "hidden1", "output", "optimizer")).toMatchObject({ ok: false, reason: expect.stringMatching(/only an optimizer node/) });
  });

  it("show configuration inputs where a node takes them", () => {
    expect(attachmentHandles("Output")).toEqual(["optimizer"]);
    expect(attachmentHandles("Dense")).toEqual(["regularizer"]);
    expect(attachmentHandles("Adam")).toEqual(["schedule"]);
    expect(attachmentHandles("Flatten")).toEqual([]);
  });

  it("carry an attached optimizer into the execution graph", () => {
    const withAdam = connect(addNode(doc, "Adam", { x: 0, y: 0 }).doc, "adam", "output", "optimizer");
    const analysis = analysisOf(withAdam);
    expect(analysis.ok).toBe(true);
    expect(analysis.ok && analysis.attachments.optimizer?.node.id).toBe("adam");
  });
});

describe("history", () => {
  it("undoes and redoes commits", () => {
    let h = startHistory(1);
    h = commit(commit(h, 2), 3);
    h = undo(h);
    expect(h.present).toBe(2);
    h = redo(h);
    expect(h.present).toBe(3);
  });

  it("makes a drag one step, back to where it started", () => {
    let h = startHistory("a");
    const anchor = h.present;
    h = replace(replace(h, "a1"), "a2");
    h = settle(h, anchor);
    expect(undo(h).present).toBe("a");
  });
});

describe("auto-layout", () => {
  it("places a chain top to bottom without overlaps", () => {
    const positions = autoLayout(fromExecutionGraph(mlpDigits.graph));
    const ys = mlpDigits.graph.nodes.map((n) => positions[n.id]?.y ?? NaN);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect(new Set(ys).size).toBe(ys.length);
  });

  it("keeps parameters it did not touch", () => {
    const doc = setParams(fromExecutionGraph(mlpDigits.graph), "hidden1", { units: 7 });
    expect(doc.nodes.find((n) => n.id === "hidden1")?.params).toEqual({ units: 7 });
  });
});

describe("pointing a model at a dataset", () => {
  it("adds a Dataset node plugged into the Input when the model has none", () => {
    const doc = pointAtDataset(fromExecutionGraph(mlpDigits.graph), "my-digits");
    const dataset = doc.nodes.find((n) => n.type === "Dataset");
    expect(dataset?.params.name).toBe("my-digits");
    expect(doc.edges).toContainEqual(expect.objectContaining({ source: dataset?.id, target: "input", targetHandle: "data" }));
    expect(analysisOf(doc).data?.dataset).toBe("my-digits");
  });

  it("renames the existing Dataset node and sets the Split's fractions", () => {
    let doc = pointAtDataset(fromExecutionGraph(mlpDigits.graph), "first");
    const { doc: withSplit, id } = addNode(doc, "Split", { x: 0, y: 0 });
    doc = pointAtDataset(withSplit, "second", { validation: 0.2, test: 0.1 });
    expect(doc.nodes.filter((n) => n.type === "Dataset").map((n) => n.params.name)).toEqual(["second"]);
    expect(doc.nodes.find((n) => n.id === id)?.params).toMatchObject({ validation: 0.2, test: 0.1 });
  });
});
