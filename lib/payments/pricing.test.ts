import { describe, expect, it } from "vitest";
import { estimatePrice, splitFee } from "./pricing";

const base = { forwardFlopsPerSample: 203_264, samples: 60_000, epochs: 10, lamportsPerTflop: 1_000_000, minimumLamports: 890_880 };

describe("estimatePrice", () => {
  it("charges 3 × forward FLOPs × samples × epochs at the network price, rounded up to a lamport", () => {
    const estimate = estimatePrice({ ...base, forwardFlopsPerSample: 1e8 });
    // 3 × 1e8 × 60,000 × 10 = 1.8e14 FLOPs = 180 TFLOP → 180,000,000 lamports.
    expect(estimate.trainingFlops).toBe(180_000_000_000_000n);
    expect(estimate.lamports).toBe(180_000_000n);
    expect(estimate.breakdown).toEqual({ forwardFlopsPerSample: 100_000_000n, samples: 60_000, epochs: 10, backwardFactor: 3, lamportsPerTflop: 1_000_000, minimumApplied: false });
    expect(estimate.formula).toBe("3 × 100000000 FLOPs/sample × 60000 samples × 10 epochs = 180.0 TFLOP; × 1000000 lamports/TFLOP, rounded up = 180000000 lamports");
  });

  it("rounds a fraction of a lamport up", () => {
    // 3 × 1 × 1 × 1 = 3 FLOPs × 1,000,000 lamports / 1e12 = 3e-6 lamports → 1.
    expect(estimatePrice({ ...base, forwardFlopsPerSample: 1, samples: 1, epochs: 1, minimumLamports: 0 }).lamports).toBe(1n);
  });

  it("raises a paid job below the minimum to the minimum, and says so", () => {
    const estimate = estimatePrice(base); // 0.366 TFLOP → 365,876 lamports
    expect(estimate.lamports).toBe(890_880n);
    expect(estimate.breakdown.minimumApplied).toBe(true);
    expect(estimate.formula).toContain("= 365876 lamports; below the minimum of 890880 lamports (the escrow's rent exemption), so 890880");
  });

  it("is free at a network price of 0, whatever the minimum", () => {
    expect(estimatePrice({ ...base, lamportsPerTflop: 0 })).toMatchObject({ lamports: 0n, breakdown: { minimumApplied: false } });
  });

  it("counts FLOPs beyond 2^53 exactly", () => {
    const estimate = estimatePrice({ ...base, forwardFlopsPerSample: 4e12, samples: 1_000_000, epochs: 100, minimumLamports: 0 });
    expect(estimate.trainingFlops).toBe(1_200_000_000_000_000_000_000n);
    expect(estimate.lamports).toBe(1_200_000_000_000_000n);
  });

  it("refuses inputs that are no size", () => {
    expect(() => estimatePrice({ ...base, epochs: -1 })).toThrow("epochs must be a finite number ≥ 0, got -1");
    expect(() => estimatePrice({ ...base, samples: 1.5 })).toThrow("samples must be a whole number, got 1.5");
    expect(() => estimatePrice({ ...base, forwardFlopsPerSample: Number.NaN })).toThrow("forwardFlopsPerSample must be a finite number");
  });
});

describe("splitFee", () => {
  it("takes the fee rounded down and gives the node the rest, adding up exactly", () => {
    expect(splitFee(1_000_000n, 500)).toEqual({ node: 950_000n, treasury: 50_000n });
    expect(splitFee(19n, 500)).toEqual({ node: 19n, treasury: 0n });
    expect(splitFee(999_999n, 333)).toEqual({ node: 966_700n, treasury: 33_299n });
    for (const lamports of [0n, 1n, 7n, 890_881n, 123_456_789_012n]) {
      for (const bps of [0, 1, 250, 500, 9_999, 10_000]) {
        const { node, treasury } = splitFee(lamports, bps);
        expect(node + treasury).toBe(lamports);
        expect(treasury).toBe((lamports * BigInt(bps)) / 10_000n);
      }
    }
  });

  it("refuses a fee outside 0–100 % and a negative payment", () => {
    expect(() => splitFee(1n, 10_001)).toThrow("basis points from 0 to 10000");
    expect(() => splitFee(1n, 2.5)).toThrow("basis points");
    expect(() => splitFee(-1n, 0)).toThrow("≥ 0 lamports");
  });
});
