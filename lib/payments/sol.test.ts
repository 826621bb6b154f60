import { describe, expect, it } from "vitest";
import { lamportsToSol, solToLamports } from "./sol";

describe("amounts of SOL", () => {
  it("read as exact lamports, up to nine decimals", () => {
    expect(solToLamports("0.25")).toBe(250_000_000n);
    expect(solToLamports("1")).toBe(1_000_000_000n);
    expect(solToLamports("0.000000001")).toBe(1n);
    expect(solToLamports(" 12.5 ")).toBe(12_500_000_000n);
  });

  it("are refused when they are not an amount: negative, too precise, words, empty", () => {
    for (const text of ["-1", "0.0000000001", "one", "", "1e3", "1.", ".5"]) expect(solToLamports(text)).toBeUndefined();
  });

  it("print as SOL without trailing zeros, and back to the same lamports", () => {
    expect(lamportsToSol(250_000_000n)).toBe("0.25");
    expect(lamportsToSol(3_000_000_000n)).toBe("3");
    expect(lamportsToSol(937_769n)).toBe("0.000937769");
    for (const n of [0n, 1n, 937_769n, 10n ** 18n + 7n]) expect(solToLamports(lamportsToSol(n))).toBe(n);
  });
});
