import { describe, expect, it } from "vitest";
import { matchScore, pairJobs, unmetRequirement, WEIGHTS, type Candidate, type QueuedJob } from "./matching";

const DATASET = "d".repeat(64);
const job = (id: string, over: Partial<QueuedJob> = {}): QueuedJob => ({ id, estimatedMemory: 1_000_000_000n, datasetSha256: DATASET, paid: false, failedOn: [], ...over });
const JOB = job("j");
const node = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id,
  computeScore: 30,
  reputation: 50,
  ramTotal: 8_000_000_000n,
  load: 0,
  sessionSeconds: 3600,
  cachedDatasets: [],
  hasWallet: true,
  ...over,
});
/** The node each job goes to, by id. */
const placed = (jobs: QueuedJob[], nodes: Candidate[]) => Object.fromEntries(pairJobs(jobs, nodes).map((p) => [p.jobId, p.nodeId]));

describe("matching", () => {
  it("weights add up to one, so a score is a fraction", () => {
    expect(Object.values(WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    const perfect = node("p", { computeScore: 1000, reputation: 100, cachedDatasets: [DATASET] });
    expect(matchScore(perfect, JOB, 1000)).toBeCloseTo(1);
  });

  it("refuses a node with too little memory, saying so", () => {
    expect(unmetRequirement(node("small", { ramTotal: 1000n }), JOB)).toMatch(/needs 1000000000 bytes, node offers 1000/);
    expect(pairJobs([JOB], [node("small", { ramTotal: 1000n })])).toEqual([]);
  });

  it("keeps paid jobs from nodes on probation, which still take unpaid work", () => {
    const probation = node("probation", { reputation: 30, computeScore: 900 });
    const normal = node("normal", { reputation: 50 });
    expect(unmetRequirement(probation, job("paid", { paid: true }))).toMatch(/on probation \(reputation 30\)/);
    expect(placed([job("paid", { paid: true })], [probation, normal])).toEqual({ paid: "normal" });
    expect(placed([job("free")], [probation, normal])).toEqual({ free: "probation" });
  });

  it("keeps paid jobs from nodes without a wallet, which still take free work", () => {
    const walletless = node("walletless", { hasWallet: false, reputation: 90, computeScore: 900 });
    const paid = node("paid", { reputation: 50 });
    expect(unmetRequirement(walletless, job("paid", { paid: true }))).toMatch(/no wallet to be paid into/);
    expect(unmetRequirement(walletless, JOB)).toBeUndefined();
    expect(placed([job("paid", { paid: true })], [walletless, paid])).toEqual({ paid: "paid" });
    expect(placed([job("paid", { paid: true })], [walletless])).toEqual({});
    expect(placed([job("free")], [walletless, paid])).toEqual({ free: "walletless" });
  });

  it("prefers the faster node, on a log scale so a CPU is not worthless beside a GPU", () => {
    const gpu = node("gpu", { computeScore: 3000 });
    const cpu = node("cpu", { computeScore: 30 });
    expect(placed([JOB], [cpu, gpu])).toEqual({ j: "gpu" });
    expect(matchScore(cpu, JOB, 3000)).toBeGreaterThan(0.5 * matchScore(gpu, JOB, 3000));
  });

  it("lets holding the dataset and a good reputation outweigh a small speed edge", () => {
    const quick = node("quick", { computeScore: 40 });
    const local = node("local", { computeScore: 30, reputation: 90, cachedDatasets: [DATASET] });
    expect(placed([JOB], [quick, local])).toEqual({ j: "local" });
  });

  it("lets a node that holds the dataset win on locality alone when standings are close", () => {
    const a = node("a", { reputation: 60 });
    const b = node("b", { reputation: 50, cachedDatasets: [DATASET] });
    expect(placed([JOB], [a, b])).toEqual({ j: "b" });
    expect(placed([job("other", { datasetSha256: "e".repeat(64) })], [a, b])).toEqual({ other: "a" });
  });

  it("prefers a settled, unloaded node among equals", () => {
    const nodes = [node("fresh", { sessionSeconds: 60 }), node("busy", { load: 0.9 }), node("settled")];
    expect(placed([job("1"), job("2"), job("3")], nodes)).toEqual({ 1: "settled", 2: "busy", 3: "fresh" });
  });

  it("gives the queue's head the best node and each node at most one job", () => {
    const nodes = [node("slow", { computeScore: 5 }), node("fast", { computeScore: 500 })];
    expect(pairJobs([job("first"), job("second"), job("third")], nodes)).toEqual([
      { jobId: "first", nodeId: "fast" },
      { jobId: "second", nodeId: "slow" },
    ]);
  });

  it("never offers a job to a node that already failed it", () => {
    const nodes = [node("failed-it", { computeScore: 500 }), node("other", { computeScore: 5 })];
    expect(placed([job("j", { failedOn: ["failed-it"] })], nodes)).toEqual({ j: "other" });
    expect(pairJobs([job("j", { failedOn: ["failed-it"] })], [node("failed-it")])).toEqual([]);
  });

  it("passes over a job no free node can take and serves the ones behind it", () => {
    const nodes = [node("small", { ramTotal: 2_000_000_000n })];
    expect(pairJobs([job("huge", { estimatedMemory: 64_000_000_000n }), job("fits")], nodes)).toEqual([{ jobId: "fits", nodeId: "small" }]);
  });

  it("breaks ties by node id, so the same input always gives the same pairs", () => {
    expect(placed([JOB], [node("b"), node("a"), node("c")])).toEqual({ j: "a" });
  });

  it("pairs a thousand jobs with ten thousand nodes", () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => node(`n${i}`, { computeScore: i % 97, cachedDatasets: i % 10 === 0 ? [DATASET] : [] }));
    const jobs = Array.from({ length: 1_000 }, (_, i) => job(`j${i}`));
    const pairs = pairJobs(jobs, nodes);
    expect(pairs).toHaveLength(1_000);
    expect(new Set(pairs.map((p) => p.nodeId)).size).toBe(1_000);
  });
});
