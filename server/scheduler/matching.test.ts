import { describe, expect, it } from "vitest";
import { matchScore, rankNodes, unmetRequirement, WEIGHTS, type Candidate, type JobNeeds } from "./matching";

const JOB: JobNeeds = { estimatedMemory: 1_000_000_000n, datasetSha256: "d".repeat(64) };
const node = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id,
  computeScore: 30,
  reputation: 50,
  ramTotal: 8_000_000_000n,
  load: 0,
  sessionSeconds: 3600,
  cachedDatasets: [],
  ...over,
});

describe("matching", () => {
  it("weights add up to one, so a score is a fraction", () => {
    expect(Object.values(WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    const perfect = node("p", { computeScore: 1000, reputation: 100, cachedDatasets: [JOB.datasetSha256] });
    expect(matchScore(perfect, JOB, 1000)).toBeCloseTo(1);
  });

  it("refuses a node with too little memory, saying so", () => {
    expect(unmetRequirement(node("small", { ramTotal: 1000n }), JOB)).toMatch(/needs 1000000000 bytes, node offers 1000/);
    expect(rankNodes([node("small", { ramTotal: 1000n })], JOB)).toEqual([]);
  });

  it("prefers the faster node, on a log scale so a CPU is not worthless beside a GPU", () => {
    const gpu = node("gpu", { computeScore: 3000 });
    const cpu = node("cpu", { computeScore: 30 });
    expect(rankNodes([cpu, gpu], JOB).map((n) => n.id)).toEqual(["gpu", "cpu"]);
    expect(matchScore(cpu, JOB, 3000)).toBeGreaterThan(0.5 * matchScore(gpu, JOB, 3000));
  });

  it("lets holding the dataset and a good reputation outweigh a small speed edge", () => {
    const quick = node("quick", { computeScore: 40 });
    const local = node("local", { computeScore: 30, reputation: 90, cachedDatasets: [JOB.datasetSha256] });
    expect(rankNodes([quick, local], JOB).map((n) => n.id)).toEqual(["local", "quick"]);
  });

  it("prefers a settled, unloaded node among equals", () => {
    const fresh = node("fresh", { sessionSeconds: 60 });
    const busy = node("busy", { load: 0.9 });
    const settled = node("settled");
    expect(rankNodes([fresh, busy, settled], JOB).map((n) => n.id)).toEqual(["settled", "busy", "fresh"]);
  });
});
