import { describe, expect, it } from "vitest";
import { parseGraph } from "./parse";

describe("parseGraph", () => {
  it("reports invalid JSON as malformed", () => {
    const r = parseGraph("{not json");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ code: "malformed" });
  });

  it("requires the cyxwiz.graph format marker", () => {
    const r = parseGraph({ format: "other", version: 1, nodes: [], edges: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ code: "malformed", field: "format" });
  });

  it("refuses a graph from a newer version than it knows", () => {
    const r = parseGraph({ format: "cyxwiz.graph", version: 99, nodes: [], edges: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ code: "unsupported_version", field: "version" });
  });

  it("names the node of a structural error", () => {
    const r = parseGraph({ format: "cyxwiz.graph", version: 1, nodes: [{ id: "d1", type: 5 }], edges: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ nodeId: "d1", field: "nodes.0.type" });
  });

  it("defaults missing params to an empty object", () => {
    const r = parseGraph({ format: "cyxwiz.graph", version: 1, nodes: [{ id: "f", type: "Flatten" }], edges: [] });
    expect(r.ok && r.graph.nodes[0]?.params).toEqual({});
  });
});
