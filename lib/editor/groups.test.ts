import { describe, expect, it } from "vitest";
import { analyzeGraph } from "../graph/analyze";
import { mlpDigits } from "../graph/templates/mlp-digits";
import { blockFromGroup, insertBlock, parseBlocks } from "./blocks";
import { copyFragment, pasteFragment, removeNodes } from "./commands";
import { EDITOR_MIGRATIONS, EDITOR_VERSION, fromExecutionGraph, loadDocument, serializeDocument, toExecutionGraph } from "./document";
import { collapsedView, groupBounds, groupNodes, groupPins, moveGroup, resolvePin, ungroup, updateGroup } from "./groups";

// input → flatten → hidden1 → dropout1 → hidden2 → output
const mlp = () => fromExecutionGraph(mlpDigits.graph);
const grouped = () => groupNodes(mlp(), ["hidden1", "dropout1"], "Feature block");

describe("groups", () => {
  it("gather nodes under a label, expanded", () => {
    const { doc, id } = grouped();
    expect(doc.groups).toEqual([{ id, label: "Feature block", nodeIds: ["hidden1", "dropout1"], collapsed: false }]);
  });

  it("take a node out of its old group when it joins a new one, dropping groups left empty", () => {
    const first = groupNodes(mlp(), ["hidden1"]);
    const second = groupNodes(first.doc, ["hidden1", "hidden2"]);
    expect(second.doc.groups.map((g) => g.id)).toEqual([second.id]);
  });

  it("never take an id a node already has", () => {
    const doc = { ...mlp(), nodes: [...mlp().nodes, { id: "group", type: "Flatten", params: {}, position: { x: 0, y: 0 } }] };
    expect(groupNodes(doc, ["hidden1"]).id).toBe("group_2");
  });

  it("refuse an empty selection", () => {
    expect(() => groupNodes(mlp(), [])).toThrow(/at least one node/);
  });

  it("leave the model itself unchanged: the execution graph does not see groups", () => {
    const { doc } = grouped();
    expect(toExecutionGraph(doc)).toEqual(toExecutionGraph(mlp()));
  });

  it("dissolve on ungroup, keeping the nodes", () => {
    const { doc, id } = grouped();
    const back = ungroup(doc, id);
    expect(back.groups).toEqual([]);
    expect(back.nodes).toEqual(doc.nodes);
  });

  it("rename and collapse", () => {
    const { doc, id } = grouped();
    const changed = updateGroup(doc, id, { label: "  Encoder ", collapsed: true });
    expect(changed.groups[0]).toMatchObject({ label: "Encoder", collapsed: true });
  });

  it("lose deleted members, and vanish with the last one", () => {
    const { doc } = grouped();
    expect(removeNodes(doc, ["dropout1"]).groups[0]?.nodeIds).toEqual(["hidden1"]);
    expect(removeNodes(doc, ["hidden1", "dropout1"]).groups).toEqual([]);
  });
});

describe("collapsed blocks", () => {
  it("offer as pins the inputs fed from outside and the outputs used outside", () => {
    const { doc } = grouped();
    const pins = groupPins(doc, doc.groups[0] as NonNullable<(typeof doc.groups)[0]>);
    expect(pins.inputs.map((p) => p.id)).toEqual(["in:hidden1:in0"]);
    expect(pins.outputs.map((p) => p.id)).toEqual(["out:dropout1"]);
  });

  it("offer a free input pin on a merge layer and an output pin on a block's loose end", () => {
    const { doc } = groupNodes(mlp(), ["output"]);
    const withAdd = fromExecutionGraph({
      format: "cyxwiz.graph",
      version: 1,
      nodes: [
        { id: "a", type: "Input", params: { shape: [4] } },
        { id: "sum", type: "Add", params: {} },
        { id: "d", type: "Dense", params: { units: 4 } },
      ],
      edges: [{ source: "a", target: "sum" }],
    });
    const block = groupNodes(withAdd, ["sum", "d"]).doc;
    const pins = groupPins(block, block.groups[0] as NonNullable<(typeof block.groups)[0]>);
    expect(pins.inputs.map((p) => p.id)).toEqual(["in:sum:in0", "in:sum:in1", "in:d:in0"]);
    expect(pins.outputs.map((p) => p.id)).toEqual(["out:sum", "out:d"]);
    // An Output ends the model: it has nothing to offer outside.
    expect(groupPins(doc, doc.groups[0] as NonNullable<(typeof doc.groups)[0]>).outputs).toEqual([]);
  });

  it("hide their members and redraw boundary edges to their pins", () => {
    const { doc: open, id } = grouped();
    const doc = updateGroup(open, id, { collapsed: true });
    const view = collapsedView(doc);
    expect([...view.hidden]).toEqual(["hidden1", "dropout1"]);
    expect(view.edges.find((e) => e.target === "hidden1")).toMatchObject({ viewSource: "flatten", viewTarget: id, viewTargetHandle: "in:hidden1:in0" });
    expect(view.edges.find((e) => e.source === "dropout1")).toMatchObject({ viewSource: id, viewSourceHandle: "out:dropout1", viewTarget: "hidden2" });
    expect(view.edges.some((e) => e.source === "hidden1" && e.target === "dropout1")).toBe(false);
  });

  it("show everything when no group is collapsed", () => {
    const { doc } = grouped();
    const view = collapsedView(doc);
    expect(view.hidden.size).toBe(0);
    expect(view.edges).toHaveLength(doc.edges.length);
  });

  it("map pins back to the member and handle they stand for", () => {
    expect(resolvePin("in:conv_2:in1")).toEqual({ node: "conv_2", handle: "in1" });
    expect(resolvePin("out:dense")).toEqual({ node: "dense", handle: "out" });
    expect(resolvePin("in0")).toBeUndefined();
  });

  it("move all members together when the block is dragged", () => {
    const { doc, id } = grouped();
    const bounds = groupBounds(doc, doc.groups[0] as NonNullable<(typeof doc.groups)[0]>);
    const moved = moveGroup(doc, id, { x: bounds.x + 50, y: bounds.y - 10 });
    const hidden1 = doc.nodes.find((n) => n.id === "hidden1")?.position;
    expect(moved.hidden1).toEqual({ x: (hidden1?.x ?? 0) + 50, y: (hidden1?.y ?? 0) - 10 });
    expect(Object.keys(moved)).toEqual(["hidden1", "dropout1"]);
  });
});

describe("reusable blocks", () => {
  it("save a group with its inner edges and place it again with fresh ids as one collapsed group", () => {
    const { doc, id } = grouped();
    const block = parseBlocks(JSON.stringify([blockFromGroup(doc, id)]))[0];
    expect(block?.name).toBe("Feature block");
    const placed = insertBlock(doc, block as NonNullable<typeof block>, { x: 500, y: 0 });
    const group = placed.doc.groups.find((g) => g.id === placed.groupId);
    expect(group).toMatchObject({ collapsed: true, nodeIds: ["dense", "dropout"] });
    expect(placed.doc.edges).toContainEqual(expect.objectContaining({ source: "dense", target: "dropout" }));
    expect(placed.doc.nodes.find((n) => n.id === "dense")?.position).toEqual({ x: 500, y: 0 });
  });

  it("drop damaged entries from a stored library", () => {
    expect(parseBlocks('[{"name":"x"}]')).toEqual([]);
    expect(parseBlocks("not json")).toEqual([]);
    expect(parseBlocks(null)).toEqual([]);
  });

  it("keep groups that travel through the clipboard", () => {
    const { doc } = grouped();
    const fragment = copyFragment(doc, ["hidden1", "dropout1", "hidden2"]);
    const pasted = pasteFragment(doc, fragment, { x: 10, y: 10 }).doc;
    expect(pasted.groups).toHaveLength(2);
    expect(pasted.groups[1]?.nodeIds).toEqual(["dense", "dropout"]);
  });
});

describe("document versions", () => {
  it("bring a version-1 document (before groups) up to date", () => {
    const v1 = { ...mlp(), version: 1, groups: undefined };
    const result = loadDocument(JSON.stringify(v1));
    expect(result.ok && result.document).toMatchObject({ version: EDITOR_VERSION, groups: [] });
    expect(EDITOR_VERSION).toBe(EDITOR_MIGRATIONS.length + 1);
  });

  it("keep groups through save and load", () => {
    const { doc } = grouped();
    expect(loadDocument(serializeDocument(doc))).toEqual({ ok: true, document: doc });
  });

  it.each([
    ["a node that does not exist", { id: "g", label: "x", nodeIds: ["ghost"], collapsed: false }, /ghost/],
    ["a node already in another group", { id: "g2", label: "y", nodeIds: ["hidden1"], collapsed: false }, /both group/],
  ])("refuse a group holding %s", (_case, bad, message) => {
    const { doc } = grouped();
    const result = loadDocument(JSON.stringify({ ...doc, groups: [...doc.groups, bad] }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it("analyse a grouped model exactly like the ungrouped one", () => {
    expect(analyzeGraph(toExecutionGraph(grouped().doc)).totalParams).toBe(analyzeGraph(mlpDigits.graph).totalParams);
  });
});
