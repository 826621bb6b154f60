import { describe, expect, it } from "vitest";
import { base58Decode, base58Encode } from "./base58";

describe("base58", () => {
  it("decodes a known Solana address to its 32-byte key", () => {
    // The System Program's address is 32 zero bytes.
    expect(base58Decode("11111111111111111111111111111111")).toEqual(new Uint8Array(32));
  });

  it("round-trips bytes, leading zeros included", () => {
    const bytes = new Uint8Array([0, 0, 1, 2, 255, 128, 7]);
    expect(base58Decode(base58Encode(bytes))).toEqual(bytes);
    expect(base58Encode(new TextEncoder().encode("hello world"))).toBe("StV1DL6CwTryKyV");
  });

  it("refuses characters outside the alphabet", () => {
    expect(base58Decode("0OIl")).toBeUndefined();
  });
});
