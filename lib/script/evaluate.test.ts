import { describe, expect, it } from "vitest";
import { evaluate, formatValue } from "./evaluate";

describe("evaluating console input", () => {
  it("gives an expression's value", async () => {
    expect(await evaluate("1 + 2")).toBe(3);
  });

  it("gives an object literal's value rather than reading it as a block", async () => {
    expect(await evaluate("{ a: 1 }")).toEqual({ a: 1 });
  });

  it("awaits at the top level", async () => {
    expect(await evaluate("await Promise.resolve(41) + 1")).toBe(42);
  });

  it("runs statements and gives the last one's value", async () => {
    expect(await evaluate("var scriptTotal = 0; for (let i = 1; i <= 4; i++) scriptTotal += i; scriptTotal")).toBe(10);
  });

  it("keeps var declarations for later entries", async () => {
    await evaluate("var kept = 7;");
    expect(await evaluate("kept * 2")).toBe(14);
  });

  it("runs statements with await and returns what they return", async () => {
    expect(await evaluate("const x = await Promise.resolve(5);\nreturn x * 3;")).toBe(15);
  });

  it("rejects with the script's own error", async () => {
    await expect(evaluate("throw new RangeError('bad shape')")).rejects.toThrow("bad shape");
    await expect(evaluate("this is not javascript")).rejects.toThrow(SyntaxError);
  });
});

describe("formatting values for the console", () => {
  it("shows tensors by shape, dtype and their first values", () => {
    const tensor = { shape: [2, 2], dtype: "float32", dataSync: () => new Float32Array([1, 2, 3, 4]) };
    expect(formatValue(tensor)).toBe("Tensor [2, 2] float32 [1, 2, 3, 4]");
  });

  it("cuts long arrays and says how many more there are", () => {
    expect(formatValue(Array.from({ length: 25 }, (_, i) => i))).toMatch(/\[0, 1, .* 19, … 5 more\]$/);
  });

  it("shows typed arrays with their type and length", () => {
    expect(formatValue(new Int32Array([3, 4]))).toBe("Int32Array(2) [3, 4]");
  });

  it("shows nested objects with strings quoted inside them", () => {
    expect(formatValue({ name: "mlp", layers: [1, 2], ok: true })).toBe('{name: "mlp", layers: [1, 2], ok: true}');
  });

  it("shows errors by name and message", () => {
    expect(formatValue(new TypeError("nope"))).toBe("TypeError: nope");
  });
});
