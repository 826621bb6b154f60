import { describe, expect, it, vi } from "vitest";
import { TokenError, TokenService } from "./tokens";

const SECRET = "a-test-secret-that-is-long-enough-1234";

describe("TokenService", () => {
  it("issues a token that verifies to its node", async () => {
    const tokens = new TokenService(SECRET, 60);
    const { token } = await tokens.issueNodeToken("node-1");
    expect(await tokens.verifyNodeToken(token)).toBe("node-1");
  });

  it("refuses an expired token", async () => {
    vi.useFakeTimers();
    try {
      const tokens = new TokenService(SECRET, 60);
      const { token } = await tokens.issueNodeToken("node-1");
      vi.advanceTimersByTime(61_000);
      await expect(tokens.verifyNodeToken(token)).rejects.toMatchObject({ reason: "expired" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a token signed with another key", async () => {
    const { token } = await new TokenService(`${SECRET}-other`, 60).issueNodeToken("node-1");
    await expect(new TokenService(SECRET, 60).verifyNodeToken(token)).rejects.toBeInstanceOf(TokenError);
  });

  it("refuses garbage", async () => {
    await expect(new TokenService(SECRET, 60).verifyNodeToken("not.a.jwt")).rejects.toMatchObject({ reason: "invalid" });
  });
});
