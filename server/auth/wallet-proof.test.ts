import { Code, ConnectError } from "@connectrpc/connect";
import { generateKeyPairSigner, signBytes } from "@solana/kit";
import { describe, expect, it } from "vitest";
import { registrationMessage, walletMessage } from "../../lib/compute/identity";
import { proveWallet } from "./wallet-proof";

const CHALLENGE = "a-challenge";
const NODE_KEY = Buffer.alloc(32, 7).toString("base64");

/** The ConnectError proveWallet throws, or undefined. */
function refusal(run: () => unknown): ConnectError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return ConnectError.from(error);
  }
}

describe("proveWallet", async () => {
  const wallet = await generateKeyPairSigner();
  const signed = await signBytes(wallet.keyPair.privateKey, walletMessage(CHALLENGE, NODE_KEY));

  it("accepts the wallet's signature over the challenge and the node's key", () => {
    expect(proveWallet(wallet.address, signed, CHALLENGE, NODE_KEY)).toBe(wallet.address);
  });

  it("is nothing to prove when the node names no wallet", () => {
    expect(proveWallet("", new Uint8Array(), CHALLENGE, NODE_KEY)).toBeUndefined();
  });

  it("refuses a signature over another message: another challenge, another node key, or the identity's message", async () => {
    for (const message of [walletMessage("another-challenge", NODE_KEY), walletMessage(CHALLENGE, Buffer.alloc(32, 8).toString("base64")), registrationMessage(CHALLENGE, NODE_KEY)]) {
      const other = await signBytes(wallet.keyPair.privateKey, message);
      expect(refusal(() => proveWallet(wallet.address, other, CHALLENGE, NODE_KEY))).toMatchObject({ code: Code.Unauthenticated, rawMessage: expect.stringMatching(/^wallet_signature:/) });
    }
  });

  it("refuses another key's signature", async () => {
    const stranger = await generateKeyPairSigner();
    const theirs = await signBytes(stranger.keyPair.privateKey, walletMessage(CHALLENGE, NODE_KEY));
    expect(refusal(() => proveWallet(wallet.address, theirs, CHALLENGE, NODE_KEY))).toMatchObject({ code: Code.Unauthenticated, rawMessage: expect.stringMatching(/^wallet_signature:/) });
    expect(refusal(() => proveWallet(wallet.address, signed.slice(0, 63), CHALLENGE, NODE_KEY))?.code).toBe(Code.Unauthenticated);
  });

  it("names a malformed address: not base58, or not 32 bytes", () => {
    for (const address of ["not-base58-0OIl", "abc", `${wallet.address}2`]) {
      expect(refusal(() => proveWallet(address, signed, CHALLENGE, NODE_KEY))).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/^info\.wallet_address:/) });
    }
  });

  it("names a missing signature", () => {
    expect(refusal(() => proveWallet(wallet.address, new Uint8Array(), CHALLENGE, NODE_KEY))).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/^wallet_signature:/) });
  });
});
