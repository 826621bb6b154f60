import { describe, expect, it } from "vitest";
import { throttle } from "./progress";

describe("throttle", () => {
  it("lets one report through per interval", () => {
    let now = 0;
    const pass = throttle(1000, () => now);
    expect(pass()).toBe(true);
    now = 500;
    expect(pass()).toBe(false);
    now = 1000;
    expect(pass()).toBe(true);
  });

  it("always lets a forced report through and restarts the interval", () => {
    let now = 0;
    const pass = throttle(1000, () => now);
    pass();
    now = 10;
    expect(pass(true)).toBe(true);
    now = 900;
    expect(pass()).toBe(false);
  });
});
