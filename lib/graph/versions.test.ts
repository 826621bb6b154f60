import { describe, expect, it } from "vitest";
import { GRAPH_MIGRATIONS } from "./parse";
import { GRAPH_VERSION } from "./types";
import { upgrade } from "./versions";

describe("version upgrades", () => {
  const migrations = [(v: Record<string, unknown>) => ({ ...v, b: 1 }), (v: Record<string, unknown>) => ({ ...v, c: Number(v.b) + 1 })];

  it("apply every step from the stored version to the current one, in order", () => {
    expect(upgrade({ version: 1, a: 0 }, migrations)).toEqual({ version: 3, a: 0, b: 1, c: 2 });
  });

  it("apply only the steps after the stored version", () => {
    expect(upgrade({ version: 2, b: 5 }, migrations)).toEqual({ version: 3, b: 5, c: 6 });
  });

  it("leave a current document as it is", () => {
    const current = { version: 3, x: 1 };
    expect(upgrade(current, migrations)).toBe(current);
  });

  it("have one execution-graph migration per version after the first", () => {
    expect(GRAPH_VERSION).toBe(GRAPH_MIGRATIONS.length + 1);
  });
});
