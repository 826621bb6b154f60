import { describe, expect, it } from "vitest";
import { ephemeralIdentity, fromBase64, registrationMessage, toBase64, verifySignature } from "./identity";

describe("node identity", () => {
  it("signs a registration that verifies with its public key", async () => {
    const identity = await ephemeralIdentity();
    const message = registrationMessage("challenge-1", identity.publicKey);
    expect(await verifySignature(identity.publicKey, message, await identity.sign(message))).toBe(true);
  });

  it("binds the signature to the challenge", async () => {
    const identity = await ephemeralIdentity();
    const signature = await identity.sign(registrationMessage("challenge-1", identity.publicKey));
    expect(await verifySignature(identity.publicKey, registrationMessage("challenge-2", identity.publicKey), signature)).toBe(false);
  });

  it("does not verify another key's signature", async () => {
    const [mine, theirs] = [await ephemeralIdentity(), await ephemeralIdentity()];
    const message = registrationMessage("challenge-1", mine.publicKey);
    expect(await verifySignature(mine.publicKey, message, await theirs.sign(message))).toBe(false);
  });

  it("treats malformed keys and signatures as not verified", async () => {
    const message = registrationMessage("c", "k");
    expect(await verifySignature("not base64!", message, new Uint8Array(64))).toBe(false);
    expect(await verifySignature(toBase64(new Uint8Array(16)), message, new Uint8Array(64))).toBe(false);
    expect(await verifySignature(toBase64(new Uint8Array(32)), message, new Uint8Array(10))).toBe(false);
  });

  it("round-trips base64", () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 255]);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    expect(fromBase64("abc")).toBeUndefined();
  });
});
