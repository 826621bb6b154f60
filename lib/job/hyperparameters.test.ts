import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { HyperparametersSchema } from "../../gen/cyxwiz/v1/job_pb";
import { hyperparametersInput, parseHyperparameters } from "./hyperparameters";

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

describe("hyperparametersInput", () => {
  const message = (fields: MessageInitShape<typeof HyperparametersSchema> = {}) => create(HyperparametersSchema, { epochs: 3, batchSize: 32, learningRate: 0.01, optimizer: "sgd", ...fields });

  it("keeps the settings a message carries", () => {
    const parsed = parseHyperparameters(hyperparametersInput(message({ validationSplit: 0.2, seed: 7, earlyStoppingPatience: 2, clipNorm: 1, checkpointEvery: 3 })));
    expect(parsed).toEqual({
      ok: true,
      value: { epochs: 3, batchSize: 32, learningRate: 0.01, optimizer: "sgd", validationSplit: 0.2, seed: 7, earlyStoppingPatience: 2, clipNorm: 1, checkpointEvery: 3 },
    });
  });

  it("reads an unset optimizer as the default one", () => {
    expect(parseHyperparameters(hyperparametersInput(message({ optimizer: "" })))).toMatchObject({ ok: true, value: { optimizer: "adam" } });
  });

  it("gives an absent validation split the default and keeps an explicit 0", () => {
    expect(parseHyperparameters(hyperparametersInput(message()))).toMatchObject({ ok: true, value: { validationSplit: 0.1 } });
    expect(parseHyperparameters(hyperparametersInput(message({ validationSplit: 0 })))).toMatchObject({ ok: true, value: { validationSplit: 0 } });
  });

  it("leaves an absent checkpoint interval absent and keeps an explicit 0 (never)", () => {
    expect(parseHyperparameters(hyperparametersInput(message()))).toMatchObject({ ok: true, value: { checkpointEvery: undefined } });
    expect(parseHyperparameters(hyperparametersInput(message({ checkpointEvery: 0 })))).toMatchObject({ ok: true, value: { checkpointEvery: 0 } });
  });

  it("refuses a batch size of 0, naming the field", () => {
    expect(parseHyperparameters(hyperparametersInput(message({ batchSize: 0 })))).toMatchObject({ ok: false, field: "hyperparameters.batch_size" });
  });

  it("refuses a missing message, naming the first required field", () => {
    expect(parseHyperparameters(hyperparametersInput(undefined))).toMatchObject({ ok: false, field: "hyperparameters.epochs" });
  });
});
