import { describe, expect, it } from "vitest";
import { toNumber } from "./numeric";

describe("toNumber", () => {
  it("reads decimal and exponent notation, ignoring surrounding spaces", () => {
    expect(["1", "-2.5", " .5 ", "1e3", "+4.", "1E-2"].map(toNumber)).toEqual([1, -2.5, 0.5, 1000, 4, 0.01]);
  });

  it("refuses blank text, hexadecimal, infinities and words", () => {
    expect(["", "  ", "0x1F", "Infinity", "NaN", "1,5", "cat"].map(toNumber)).toEqual(Array(7).fill(undefined));
  });

  it("passes finite numbers through and refuses non-finite ones", () => {
    expect([3, Number.NaN, Number.POSITIVE_INFINITY].map(toNumber)).toEqual([3, undefined, undefined]);
  });
});
