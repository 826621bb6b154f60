import { describe, expect, it } from "vitest";
import { applyReputationEvent, INITIAL_REPUTATION, isBanned, tierOf, type Standing } from "./reputation";

const NOW = new Date("2026-11-27T12:00:00Z");
const fresh: Standing = { reputation: INITIAL_REPUTATION, strikes: 0, bannedUntil: null };
const hours = (standing: Standing) => ((standing.bannedUntil?.getTime() ?? NOW.getTime()) - NOW.getTime()) / 3600_000;

describe("node reputation", () => {
  it("names the tiers at 80, 50 and 25", () => {
    expect([100, 80, 79.9, 50, 49, 25, 24.9, 0].map(tierOf)).toEqual(["premium", "premium", "normal", "normal", "probation", "probation", "banned", "banned"]);
  });

  it("rises with completed jobs up to 100", () => {
    let standing = fresh;
    for (let i = 0; i < 40; i++) standing = applyReputationEvent(standing, "job_completed", NOW);
    expect(standing.reputation).toBe(100);
  });

  it("falls with timeouts, and a fall into the banned tier is a strike and a 24-hour ban", () => {
    let standing: Standing = { reputation: 30, strikes: 0, bannedUntil: null };
    standing = applyReputationEvent(standing, "heartbeat_timeout", NOW);
    expect(standing).toMatchObject({ reputation: 25, strikes: 1 });
    expect(hours(standing)).toBe(24);
    expect(isBanned(standing, NOW)).toBe(true);
    expect(isBanned(standing, new Date(NOW.getTime() + 25 * 3600_000))).toBe(false);
  });

  it("escalates bans to 48 and then 168 hours", () => {
    let standing: Standing = { reputation: 25, strikes: 1, bannedUntil: null };
    standing = applyReputationEvent(standing, "disconnected_mid_job", NOW);
    expect([standing.strikes, hours(standing)]).toEqual([2, 48]);
    standing = applyReputationEvent({ ...standing, bannedUntil: null }, "heartbeat_timeout", NOW);
    expect([standing.strikes, hours(standing)]).toEqual([3, 168]);
    standing = applyReputationEvent({ ...standing, bannedUntil: null }, "heartbeat_timeout", NOW);
    expect([standing.strikes, hours(standing)]).toEqual([4, 168]);
  });
});
