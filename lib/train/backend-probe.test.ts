import { describe, expect, it } from "vitest";
import { probeBackends } from "./backend-probe";
import { tf } from "./runtime-tf";

describe("probeBackends", () => {
  it("selects the fastest correct backend and switches tfjs to it", async () => {
    const result = await probeBackends(tf, ["cpu", "wasm"], { budgetMs: 50 });
    const byName = Object.fromEntries(result.measurements.map((m) => [m.backend, m]));
    const fastest = result.measurements.reduce((a, b) => (b.gflops > a.gflops ? b : a));
    expect(result.chosen).toBe(fastest.backend);
    expect(tf.getBackend()).toBe(result.chosen);
    expect(byName[result.chosen]?.selected).toBe(true);
    expect(byName[result.chosen]?.note).toMatch(/^selected/);
    expect(result.measurements.filter((m) => !m.selected).every((m) => m.note.startsWith("passed over"))).toBe(true);
  });

  it("records a backend that cannot start as unavailable, with the reason", async () => {
    const result = await probeBackends(tf, ["webgpu", "wasm"], { budgetMs: 50 });
    expect(result.measurements[0]).toMatchObject({ backend: "webgpu", available: false, selected: false });
    expect(result.measurements[0]?.note).toMatch(/^unavailable/);
    expect(result.chosen).toBe("wasm");
  });
});
