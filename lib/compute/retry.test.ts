import { describe, expect, it } from "vitest";
import { GraphCompileError } from "../train/compile";
import { TrainingDiverged } from "../train/train-loop";
import { InvalidHyperparameters, isRetryable } from "./retry";

describe("whether a failed job may be retried on another node", () => {
  it("does not retry a graph that cannot compile", () => {
    expect(isRetryable(new GraphCompileError('node "d": units must be positive'))).toBe(false);
  });

  it("does not retry a loss that diverged", () => {
    expect(isRetryable(new TrainingDiverged("the loss became NaN at epoch 2, batch 5 of 40"))).toBe(false);
  });

  it("does not retry training settings out of range", () => {
    expect(isRetryable(new InvalidHyperparameters("hyperparameters.batch_size: Too small: expected number to be >=1"))).toBe(false);
  });

  it("retries anything else: crashes, lost connections, damaged downloads", () => {
    expect(isRetryable(new Error("dataset hash mismatch"))).toBe(true);
    expect(isRetryable(new TypeError("fetch failed"))).toBe(true);
  });
});
