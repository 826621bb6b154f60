import { describe, expect, it } from "vitest";
import { contextWindow, encodeText, generateText, sampleNext, type Vocabulary } from "./text";

const vocabulary: Vocabulary = { characters: [" ", ".", "a", "b", "c"], contextLength: 4 };
const oneHot = (id: number) => Array.from({ length: 5 }, (_, i) => (i === id ? 1 : 0));

describe("character text", () => {
  it("encodes known characters, lower-cased, dropping the rest", () => {
    expect(encodeText("Ab?c", vocabulary)).toEqual([2, 3, 4]);
  });

  it("keeps the last context characters, padding short ones with spaces", () => {
    expect(contextWindow([2, 3], vocabulary)).toEqual([0, 0, 2, 3]);
    expect(contextWindow([2, 3, 4, 2, 3], vocabulary)).toEqual([3, 4, 2, 3]);
  });

  it("samples the most likely character at temperature 0", () => {
    expect(sampleNext([0.1, 0.2, 0.6, 0.1, 0], 0, () => 0.99)).toBe(2);
  });

  it("samples in proportion to the probabilities at temperature 1", () => {
    const draws = [0.05, 0.3, 0.95].map((r) => sampleNext([0.25, 0.25, 0.5, 0, 0], 1, () => r));
    expect(draws).toEqual([0, 1, 2]);
  });

  it("streams generated text and reports the prompt's length", async () => {
    const script = [2, 3, 4];
    const pieces: string[] = [];
    const result = await generateText(
      "cab",
      vocabulary,
      async () => oneHot(script.shift() ?? 0),
      { maxTokens: 3, temperature: 0, seed: 1, stop: [] },
      (t) => pieces.push(t),
    );
    expect(result).toEqual({ text: "abc", promptTokens: 3, finishReason: "length" });
    expect(pieces).toEqual(["a", "b", "c"]);
  });

  it("stops at a stop string without emitting it, holding back what might begin one", async () => {
    const script = [2, 1, 0, 3];
    const pieces: string[] = [];
    const result = await generateText(
      "",
      vocabulary,
      async () => oneHot(script.shift() ?? 4),
      { maxTokens: 10, temperature: 0, seed: 1, stop: [". "] },
      (t) => pieces.push(t),
    );
    expect(result).toMatchObject({ text: "a", finishReason: "stop" });
    expect(pieces.join("")).toBe("a");
  });
});
