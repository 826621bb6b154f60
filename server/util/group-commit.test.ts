import { describe, expect, it } from "vitest";
import { groupCommit } from "./group-commit";

/** A writer that records its batches and answers each item doubled, after a turn of the event loop. */
function doubling() {
  const batches: number[][] = [];
  const write = async (items: number[]) => {
    batches.push(items);
    await new Promise((r) => setTimeout(r, 5));
    return items.map((i) => i * 2);
  };
  return { batches, write };
}

describe("groupCommit", () => {
  it("writes a call alone at once", async () => {
    const { batches, write } = doubling();
    expect(await groupCommit(write)(21)).toBe(42);
    expect(batches).toEqual([[21]]);
  });

  it("writes the calls that arrive during a write together, answering each its own result", async () => {
    const { batches, write } = doubling();
    const record = groupCommit(write);
    const results = await Promise.all([1, 2, 3, 4].map(record));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("splits what waits into batches of at most the limit", async () => {
    const { batches, write } = doubling();
    const record = groupCommit(write, { maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map(record));
    expect(batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it("writes up to the given number of batches at a time, so one slow write does not hold up the rest", async () => {
    const { batches, write } = doubling();
    const record = groupCommit(write, { writers: 2 });
    await Promise.all([1, 2, 3, 4].map(record));
    expect(batches).toEqual([[1], [2], [3, 4]]);
  });

  it("fails every call of a failed batch, and goes on with the next", async () => {
    let calls = 0;
    const record = groupCommit(async (items: number[]) => {
      calls++;
      if (calls === 2) throw new Error("database gone");
      await new Promise((r) => setTimeout(r, 5));
      return items;
    });
    const outcomes = await Promise.allSettled([1, 2, 3].map(record));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "rejected"]);
    expect(await record(4)).toBe(4);
  });
});
