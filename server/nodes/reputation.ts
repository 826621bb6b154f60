/**
 * Node reputation, 0–100 (one scale everywhere; the original mixed 0–1 and 0–100). A new node
 * starts at 50. Tiers: ≥ 80 premium, ≥ 50 normal, ≥ 25 probation, below 25 banned. Falling into
 * the banned tier is a strike and a ban — 24 h, then 48 h, then 168 h for every later strike —
 * after which the node returns on probation (25). Pure: the store applies it.
 */
export type ReputationEvent = "job_completed" | "job_failed" | "disconnected_mid_job" | "heartbeat_timeout";

export const REPUTATION_DELTAS: Record<ReputationEvent, number> = {
  job_completed: 2,
  job_failed: -2,
  disconnected_mid_job: -5,
  heartbeat_timeout: -8,
};

export const INITIAL_REPUTATION = 50;
export const MAX_REPUTATION = 100;
const BAN_HOURS = [24, 48, 168];

export type Tier = "premium" | "normal" | "probation" | "banned";

export function tierOf(reputation: number): Tier {
  if (reputation >= 80) return "premium";
  if (reputation >= 50) return "normal";
  if (reputation >= 25) return "probation";
  return "banned";
}

export interface Standing {
  reputation: number;
  strikes: number;
  bannedUntil: Date | null;
}

export function applyReputationEvent(standing: Standing, event: ReputationEvent, now: Date): Standing {
  const reputation = Math.min(MAX_REPUTATION, Math.max(0, standing.reputation + REPUTATION_DELTAS[event]));
  if (tierOf(reputation) !== "banned") return { ...standing, reputation };
  const strikes = standing.strikes + 1;
  const hours = BAN_HOURS[Math.min(strikes, BAN_HOURS.length) - 1] as number;
  return { reputation: 25, strikes, bannedUntil: new Date(now.getTime() + hours * 3600_000) };
}

export function isBanned(standing: Pick<Standing, "bannedUntil">, now: Date): boolean {
  return standing.bannedUntil !== null && standing.bannedUntil.getTime() > now.getTime();
}
