import { describe, expect, it } from "vitest";
import { analyzeGraph } from "../graph/analyze";
import { mlpDigits } from "../graph/templates/mlp-digits";
import { digitsSpec } from "../data/test-fixtures";
import { estimateTrainingMemory } from "../train/memory-estimate";
import { fitProblem } from "./fit";

const DIGITS = digitsSpec(8500);
const analysis = analyzeGraph(mlpDigits.graph);
const needed = estimateTrainingMemory(analysis, DIGITS, { batchSize: 64 });

describe("fitProblem", () => {
  it("lets a node train a job within its memory", () => {
    expect(fitProblem(analysis, DIGITS, { batchSize: 64 }, { memoryBytes: needed * 2 })).toBeUndefined();
  });

  it("refuses a job that needs more memory than the node offers, with both amounts", () => {
    expect(fitProblem(analysis, DIGITS, { batchSize: 64 }, { memoryBytes: needed / 2 })).toMatch(/needs about \d+ MB to train and this node offers \d+ MB/);
  });

  it("names the node whose tensor exceeds the GPU's buffer limit", () => {
    // The first Dense layer's 784×128 kernel is ~392 KB; a 256 KB limit cannot hold it.
    expect(fitProblem(analysis, DIGITS, { batchSize: 64 }, { memoryBytes: needed * 2, maxBufferBytes: 256 * 1024 })).toMatch(/^node "hidden1" needs a 1 MB buffer/);
  });
});
