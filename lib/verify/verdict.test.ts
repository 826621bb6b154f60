import { describe, expect, it } from "vitest";
import type { TrainingState } from "./commitment";
import { jobVerdict, relativeDistance, segmentVerdict } from "./verdict";

const state = (kernel: number[], bias = [0, 0]): TrainingState => ({
  weights: [
    { name: "k", shape: [kernel.length], dtype: "float32", values: Float32Array.from(kernel) },
    { name: "b", shape: [2], dtype: "float32", values: Float32Array.from(bias) },
  ],
  optimizer: [],
});

describe("relativeDistance", () => {
  it("is 0 for the same weights and ‖a − b‖ / ‖b‖ over every tensor otherwise", () => {
    expect(relativeDistance(state([3, 4]), state([3, 4]))).toBe(0);
    expect(relativeDistance(state([3, 4], [0, 1]), state([3, 4]))).toBeCloseTo(1 / 5, 12);
  });

  it("accumulates in float64: a float32 ulp is still seen", () => {
    const one = state([1, 1]);
    const nudged = state([1 + 2 ** -23, 1]);
    expect(relativeDistance(nudged, one)).toBeCloseTo(2 ** -23 / Math.SQRT2, 15);
  });

  it("puts other architectures and NaN weights infinitely far", () => {
    expect(relativeDistance(state([1, 2, 3]), state([1, 2]))).toBe(Number.POSITIVE_INFINITY);
    expect(relativeDistance({ ...state([1, 2]), weights: state([1, 2]).weights.slice(1) }, state([1, 2]))).toBe(Number.POSITIVE_INFINITY);
    expect(relativeDistance(state([Number.NaN, 2]), state([1, 2]))).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("segmentVerdict", () => {
  const tolerance = 1e-5;

  it("accepts identical bits on any backend", () => {
    expect(segmentVerdict({ sameBackend: true, hashesMatch: true, distance: 0, tolerance }).accepted).toBe(true);
    expect(segmentVerdict({ sameBackend: false, hashesMatch: true, distance: 0, tolerance }).accepted).toBe(true);
  });

  it("on the node's own backend, rejects anything but identical bits, however close", () => {
    const verdict = segmentVerdict({ sameBackend: true, hashesMatch: false, distance: 1e-9, tolerance });
    expect(verdict).toMatchObject({ accepted: false, reason: expect.stringContaining("own backend") });
  });

  it("across backends, accepts within the tolerance and rejects beyond it", () => {
    expect(segmentVerdict({ sameBackend: false, hashesMatch: false, distance: 4e-8, tolerance }).accepted).toBe(true);
    expect(segmentVerdict({ sameBackend: false, hashesMatch: false, distance: tolerance, tolerance }).accepted).toBe(true);
    expect(segmentVerdict({ sameBackend: false, hashesMatch: false, distance: 3.5e-3, tolerance })).toMatchObject({ accepted: false, reason: expect.stringContaining("3.50e-3") });
  });
});

describe("jobVerdict", () => {
  const ok = { accepted: true as const, reason: "ok" };
  const passed = { name: "architecture", passed: true, detail: "shapes match" };

  it("accepts when every segment and end check passed", () => {
    expect(jobVerdict([{ index: 3, verdict: ok }], [passed])).toEqual({ accepted: true, reason: "1 segment replayed and 1 end check passed" });
  });

  it("names the first failed end check, then the first failed segment", () => {
    const failedCheck = { name: "held-out accuracy", passed: false, detail: "0.11 measured, 0.97 claimed" };
    const failedSegment = { index: 2, verdict: { accepted: false as const, reason: "too far" } };
    expect(jobVerdict([failedSegment], [passed, failedCheck])).toEqual({ accepted: false, reason: "held-out accuracy: 0.11 measured, 0.97 claimed" });
    expect(jobVerdict([{ index: 1, verdict: ok }, failedSegment], [passed])).toEqual({ accepted: false, reason: "segment 2: too far" });
  });

  it("accepts nothing on no evidence", () => {
    expect(jobVerdict([], [passed]).accepted).toBe(false);
  });
});
