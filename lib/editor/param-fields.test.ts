import { describe, expect, it } from "vitest";
import { getLayer } from "../graph/registry";
import { describeParams, formatFieldValue, parseFieldText, validateParams } from "./param-fields";

const layer = (type: string) => {
  const l = getLayer(type);
  if (!l) throw new Error(type);
  return l;
};

describe("parameter fields", () => {
  it("describe each parameter with the control it needs", () => {
    const fields = Object.fromEntries(describeParams(layer("Conv2D")).map((f) => [f.name, f]));
    expect(fields.filters).toMatchObject({ kind: "number", integer: true, min: 1, max: 8192 });
    expect(fields.padding).toMatchObject({ kind: "enum", options: ["valid", "same"] });
    expect(fields.useBias).toMatchObject({ kind: "boolean" });
    expect(fields.kernelSize).toMatchObject({ kind: "text", list: false });
    expect(describeParams(layer("MaxPool2D")).find((f) => f.name === "strides")).toMatchObject({ kind: "text", nullable: true });
    expect(describeParams(layer("Input")).find((f) => f.name === "shape")).toMatchObject({ kind: "text", list: true });
  });

  it("parse text into numbers, lists and null", () => {
    const kernel = { name: "kernelSize", kind: "text" as const, description: "" };
    expect(parseFieldText(kernel, "3")).toBe(3);
    expect(parseFieldText(kernel, "3, 5")).toEqual([3, 5]);
    expect(parseFieldText({ ...kernel, list: true }, "784")).toEqual([784]);
    expect(parseFieldText({ ...kernel, nullable: true }, "")).toBeNull();
    expect(parseFieldText(kernel, "three")).toBe("three");
    expect(formatFieldValue([28, 28, 1])).toBe("28, 28, 1");
  });

  it("refuse invalid values with the reason, per field", () => {
    const result = validateParams(layer("Dense"), { units: 0, activation: "relu", useBias: true });
    expect(result).toMatchObject({ ok: false, errors: { units: expect.stringContaining(">=1") } });
  });
});
