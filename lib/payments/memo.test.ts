import { describe, expect, it } from "vitest";
import { parsePaymentMemo, paymentMemo } from "./memo";

const JOB = "0F3A9C2E-7B1D-4E5F-9A8B-1C2D3E4F5A6B";

describe("paymentMemo", () => {
  const jobId = JOB.toLowerCase();

  it("names the job (and a release's attempt), and parses back", () => {
    expect(paymentMemo({ kind: "deposit", jobId: JOB })).toBe(`cyxwiz:deposit:${jobId}`);
    expect(paymentMemo({ kind: "release", jobId, attempt: 2 })).toBe(`cyxwiz:release:${jobId}:2`);
    expect(paymentMemo({ kind: "refund", jobId })).toBe(`cyxwiz:refund:${jobId}`);
    for (const memo of [
      { kind: "deposit", jobId },
      { kind: "release", jobId, attempt: 2 },
      { kind: "refund", jobId },
    ] as const) {
      expect(parsePaymentMemo(paymentMemo(memo))).toEqual(memo);
    }
  });

  it("refuses a release without an attempt and a deposit with one", () => {
    expect(() => paymentMemo({ kind: "release", jobId })).toThrow("a release names its attempt");
    expect(() => paymentMemo({ kind: "deposit", jobId, attempt: 1 })).toThrow("a deposit or refund none");
    expect(() => paymentMemo({ kind: "release", jobId, attempt: 0 })).toThrow();
  });

  it("parses nothing that is not exactly one of ours", () => {
    for (const text of ["", "hello", `cyxwiz:deposit:${jobId} `, `cyxwiz:release:${jobId}`, `cyxwiz:refund:${jobId}:1`, `cyxwiz:deposit:${JOB}`, `cyxwiz:pay:${jobId}`, `cyxwiz:release:${jobId}:01`]) {
      expect(parsePaymentMemo(text)).toBeNull();
    }
  });
});
