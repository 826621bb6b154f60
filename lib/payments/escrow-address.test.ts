import { address, createAddressWithSeed, getAddressEncoder } from "@solana/kit";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { escrowAddress, escrowSeed, SYSTEM_PROGRAM } from "./escrow-address";

const PLATFORM = address("9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin");
const JOB = "0F3A9C2E-7B1D-4E5F-9A8B-1C2D3E4F5A6B";

describe("escrowSeed", () => {
  it("is the job id's 32 hex digits, lowercase: exactly a seed's 32-byte limit", () => {
    expect(escrowSeed(JOB)).toBe("0f3a9c2e7b1d4e5f9a8b1c2d3e4f5a6b");
    expect(new TextEncoder().encode(escrowSeed(JOB))).toHaveLength(32);
  });

  it("refuses what is not a job id", () => {
    expect(() => escrowSeed("job-1")).toThrow('a job id is a UUID, got "job-1"');
  });
});

describe("escrowAddress", () => {
  it("is createAddressWithSeed's: sha256(base ‖ seed ‖ owner), the same for either spelling of the id", async () => {
    const expected = createHash("sha256")
      .update(getAddressEncoder().encode(PLATFORM) as Uint8Array)
      .update("0f3a9c2e7b1d4e5f9a8b1c2d3e4f5a6b")
      .update(getAddressEncoder().encode(SYSTEM_PROGRAM) as Uint8Array)
      .digest();
    const derived = await escrowAddress(PLATFORM, JOB);
    expect(getAddressEncoder().encode(derived)).toEqual(new Uint8Array(expected));
    expect(await escrowAddress(PLATFORM, JOB.toLowerCase())).toBe(derived);
    expect(derived).toBe(await createAddressWithSeed({ baseAddress: PLATFORM, programAddress: SYSTEM_PROGRAM, seed: escrowSeed(JOB) }));
  });

  it("differs per job and per platform key", async () => {
    const other = "0f3a9c2e-7b1d-4e5f-9a8b-1c2d3e4f5a6c";
    expect(await escrowAddress(PLATFORM, other)).not.toBe(await escrowAddress(PLATFORM, JOB));
    expect(await escrowAddress(SYSTEM_PROGRAM, JOB)).not.toBe(await escrowAddress(PLATFORM, JOB));
  });
});
