import { describe, expect, it } from "vitest";
import { parseHyperparameters } from "./hyperparameters";

describe("parseHyperparameters", () => {
  it("fills optional settings with defaults", () => {
    expect(parseHyperparameters({ epochs: 3, batchSize: 32, learningRate: 0.01 })).toEqual({
      ok: true,
      value: { epochs: 3, batchSize: 32, learningRate: 0.01, optimizer: "adam", validationSplit: 0.1, seed: 0 },
    });
  });

  it.each([
    [{ epochs: 0, batchSize: 32, learningRate: 0.01 }, "hyperparameters.epochs"],
    [{ epochs: 5000, batchSize: 32, learningRate: 0.01 }, "hyperparameters.epochs"],
    [{ epochs: 3, batchSize: 0, learningRate: 0.01 }, "hyperparameters.batch_size"],
    [{ epochs: 3, batchSize: 32, learningRate: 0 }, "hyperparameters.learning_rate"],
    [{ epochs: 3, batchSize: 32, learningRate: 0.01, optimizer: "lbfgs" }, "hyperparameters.optimizer"],
    [{ epochs: 3, batchSize: 32, learningRate: 0.01, validationSplit: 0.9 }, "hyperparameters.validation_split"],
  ])("names the wire field of an out-of-range value (%o)", (input, field) => {
    const result = parseHyperparameters(input);
    expect(result).toMatchObject({ ok: false, field });
    if (!result.ok) expect(result.message).toContain(field);
  });
});
