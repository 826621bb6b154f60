import { describe, expect, it } from "vitest";
import { sparkline } from "./sparkline";

describe("sparkline", () => {
  it("scales from zero to the largest value in the window", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([2, 4], 2)).toBe("▅█");
  });

  it("keeps the newest values at the right edge and pads on the left", () => {
    expect(sparkline([1, 1], 5)).toBe("   ██");
    expect(sparkline([9, 0, 0, 1], 2)).toBe("▁█");
  });

  it("draws all-zero and empty windows as a floor, never as noise", () => {
    expect(sparkline([0, 0, 0], 3)).toBe("▁▁▁");
    expect(sparkline([], 3)).toBe("   ");
    expect(sparkline([1], 0)).toBe("");
  });

  it("lifts a small value above zero off the floor", () => {
    expect(sparkline([0, 0.01, 100], 3)).toBe("▁▂█");
  });

  it("treats values that are not numbers, or negative, as zero", () => {
    expect(sparkline([Number.NaN, -3, Number.POSITIVE_INFINITY, 2], 4)).toBe("▁▁▁█");
  });
});
