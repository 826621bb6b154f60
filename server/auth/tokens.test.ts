import { describe, expect, it, vi } from "vitest";
import { TokenError, TokenService } from "./tokens";

const SECRET = "a-test-secret-that-is-long-enough-1234";

describe("TokenService", () => {
  it("issues a token that verifies to its node", async () => {
    const tokens = new TokenService(SECRET, 60, 3600);
    const { token } = await tokens.issueNodeToken("node-1");
    expect(await tokens.verifyNodeToken(token)).toBe("node-1");
  });

  it("refuses an expired token", async () => {
    vi.useFakeTimers();
    try {
      const tokens = new TokenService(SECRET, 60, 3600);
      const { token } = await tokens.issueNodeToken("node-1");
      vi.advanceTimersByTime(61_000);
      await expect(tokens.verifyNodeToken(token)).rejects.toMatchObject({ reason: "expired" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a token it verified before, once the token has expired", async () => {
    vi.useFakeTimers();
    try {
      const tokens = new TokenService(SECRET, 60, 3600);
      const { token } = await tokens.issueNodeToken("node-1");
      expect(await tokens.verifyNodeToken(token)).toBe("node-1");
      vi.advanceTimersByTime(61_000);
      await expect(tokens.verifyNodeToken(token)).rejects.toMatchObject({ reason: "expired" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a token signed with another key", async () => {
    const { token } = await new TokenService(`${SECRET}-other`, 60, 3600).issueNodeToken("node-1");
    await expect(new TokenService(SECRET, 60, 3600).verifyNodeToken(token)).rejects.toBeInstanceOf(TokenError);
  });

  it("refuses garbage", async () => {
    await expect(new TokenService(SECRET, 60, 3600).verifyNodeToken("not.a.jwt")).rejects.toMatchObject({ reason: "invalid" });
  });

  it("never takes one kind of token for another", async () => {
    const tokens = new TokenService(SECRET, 60, 3600);
    const challenge = await tokens.issueChallenge();
    const jobToken = await tokens.issueJobToken({ jobId: "job-1", nodeId: "node-1", attempt: 1 });
    await expect(tokens.verifyNodeToken(challenge.token)).rejects.toMatchObject({ reason: "invalid" });
    await expect(tokens.verifyNodeToken(jobToken)).rejects.toMatchObject({ reason: "invalid" });
    await expect(tokens.verifyChallenge(jobToken)).rejects.toMatchObject({ reason: "invalid" });
  });

  it("dates a challenge by when it was issued", async () => {
    const tokens = new TokenService(SECRET, 60, 3600);
    const before = Date.now();
    const issuedAt = await tokens.verifyChallenge((await tokens.issueChallenge()).token);
    expect(issuedAt).toBeGreaterThanOrEqual(before);
    expect(issuedAt).toBeLessThanOrEqual(Date.now());
  });

  it("lets a registration challenge lapse after two minutes", async () => {
    vi.useFakeTimers();
    try {
      const tokens = new TokenService(SECRET, 3600, 3600);
      const { token } = await tokens.issueChallenge();
      vi.advanceTimersByTime(121_000);
      await expect(tokens.verifyChallenge(token)).rejects.toMatchObject({ reason: "expired" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("binds a job token to its job, node and attempt", async () => {
    const tokens = new TokenService(SECRET, 60, 3600);
    const token = await tokens.issueJobToken({ jobId: "job-1", nodeId: "node-1", attempt: 2 });
    expect(await tokens.verifyJobToken(token, "job-1", "node-1")).toEqual({ jobId: "job-1", nodeId: "node-1", attempt: 2 });
    await expect(tokens.verifyJobToken(token, "job-2", "node-1")).rejects.toMatchObject({ reason: "foreign" });
    await expect(tokens.verifyJobToken(token, "job-1", "node-2")).rejects.toMatchObject({ reason: "foreign" });
  });

  it("refuses an expired job token", async () => {
    vi.useFakeTimers();
    try {
      const tokens = new TokenService(SECRET, 60, 600);
      const token = await tokens.issueJobToken({ jobId: "job-1", nodeId: "node-1", attempt: 1 });
      vi.advanceTimersByTime(601_000);
      await expect(tokens.verifyJobToken(token, "job-1", "node-1")).rejects.toMatchObject({ reason: "expired" });
    } finally {
      vi.useRealTimers();
    }
  });
});
