import { describe, expect, it } from "vitest";
import { splitFee } from "../../lib/payments/pricing";
import { minimumPrice, priceSubmission } from "./job-pricing";

const RENT = 890_880n;
const size = { forwardFlopsPerSample: 2e8, samples: 10_000, epochs: 10 };
const terms = { enabled: true as const, lamportsPerTflop: 1_000_000, minimumLamports: minimumPrice(RENT, 500) };
const payer = "11111111111111111111111111111112";

describe("the price of a submission", () => {
  it("leaves the node a rent-exempt share of the least a paid job costs", () => {
    for (const feeBps of [0, 1, 500, 2_500, 9_999]) expect(splitFee(minimumPrice(RENT, feeBps), feeBps).node).toBeGreaterThanOrEqual(RENT);
    expect(splitFee(minimumPrice(RENT, 500), 500).node - RENT).toBeLessThanOrEqual(1n);
  });

  it("is free when the submitter offers nothing, or the server takes no payments", () => {
    expect(priceSubmission({ maxPriceLamports: 0n, payerAddress: "" }, size, terms)).toEqual({ ok: true, free: true });
    expect(priceSubmission({ maxPriceLamports: 10n ** 12n, payerAddress: payer }, size, { enabled: false })).toEqual({ ok: true, free: true });
  });

  it("is priced at the estimate when the maximum covers it and a payer is named", () => {
    const priced = priceSubmission({ maxPriceLamports: 10n ** 12n, payerAddress: payer }, size, terms);
    expect(priced).toMatchObject({ ok: true, free: false, payerAddress: payer, estimate: { lamports: 60_000_000n } });
  });

  it("refuses a maximum below the price, naming max_price_lamports, the price and its formula", () => {
    const refused = priceSubmission({ maxPriceLamports: 1n, payerAddress: payer }, size, terms);
    expect(refused).toMatchObject({ ok: false, field: "max_price_lamports", message: expect.stringMatching(/costs 60000000 lamports \(3 × .*\), more than your maximum of 1/) as string });
  });

  it("refuses a priced job without a payer, or with one that is not a Solana address, naming payer_address", () => {
    expect(priceSubmission({ maxPriceLamports: 10n ** 12n, payerAddress: "" }, size, terms)).toMatchObject({ ok: false, field: "payer_address" });
    expect(priceSubmission({ maxPriceLamports: 10n ** 12n, payerAddress: "0xnot" }, size, terms)).toMatchObject({ ok: false, field: "payer_address" });
  });
});
