import { describe, expect, it } from "vitest";
import { chooseSegments } from "./challenge";

const key = new TextEncoder().encode("server secret for tests");
const commitment = (i: number) => i.toString(16).padStart(64, "0");

describe("chooseSegments", () => {
  it("is fixed by the key and the final commitment", async () => {
    const a = await chooseSegments({ key, finalCommitment: commitment(1), segments: 20, count: 4 });
    expect(await chooseSegments({ key, finalCommitment: commitment(1), segments: 20, count: 4 })).toEqual(a);
    expect(a).toHaveLength(4);
    expect(new Set(a).size).toBe(4);
  });

  it("changes with another commitment or another key", async () => {
    const a = await chooseSegments({ key, finalCommitment: commitment(1), segments: 100, count: 5 });
    expect(await chooseSegments({ key, finalCommitment: commitment(2), segments: 100, count: 5 })).not.toEqual(a);
    expect(await chooseSegments({ key: new TextEncoder().encode("another secret"), finalCommitment: commitment(1), segments: 100, count: 5 })).not.toEqual(a);
  });

  it("always includes the last segment, never picks more than there are, and at least one", async () => {
    for (const [segments, count] of [
      [1, 3],
      [5, 5],
      [5, 9],
      [20, 0],
      [20, 2],
    ] as const) {
      const chosen = await chooseSegments({ key, finalCommitment: commitment(segments * 31 + count), segments, count });
      expect(chosen).toContain(segments);
      expect(chosen).toHaveLength(Math.min(segments, Math.max(1, count)));
      expect(chosen.every((i) => Number.isInteger(i) && i >= 1 && i <= segments)).toBe(true);
    }
  });

  it("picks the other segments uniformly", async () => {
    const segments = 10;
    const hits = new Array<number>(segments + 1).fill(0);
    const runs = 2000;
    for (let r = 0; r < runs; r++) for (const i of await chooseSegments({ key, finalCommitment: commitment(r), segments, count: 3 })) hits[i] = (hits[i] as number) + 1;
    expect(hits[segments]).toBe(runs);
    // Each of the 9 others is drawn with probability 2/9: 444 of 2,000 expected, σ ≈ 19.
    for (let i = 1; i < segments; i++) expect(Math.abs((hits[i] as number) - (runs * 2) / 9)).toBeLessThan(80);
  });
});
