/**
 * How much of a node's work is replayed, as BOINC's adaptive replication does: a host is trusted
 * with probability 1 − 1/N after N ≥ 10 consecutive valid results, and any failure starts it over.
 * Here trust is spent as a smaller share of segments replayed, never none: one segment of twenty
 * costs 5 % of the job and still gives a cheater no step it can safely skip.
 */
export interface ReplicationPolicy {
  /** Consecutive verified results before the replay share starts to fall. */
  trustAfter: number;
  /** Fewest segments replayed per job, however trusted the node. */
  floorSegments: number;
  /** Share of segments replayed before trust is earned (1: all of them). */
  untrustedShare: number;
}

export const DEFAULT_REPLICATION_POLICY: ReplicationPolicy = { trustAfter: 10, floorSegments: 1, untrustedShare: 1 };

/** A node's record as the policy reads it. */
export interface TrustRecord {
  consecutiveValid: number;
}

/** The share of a job's segments to replay: untrustedShare until trusted, then 1/N. */
export function replayShare(record: TrustRecord, policy: ReplicationPolicy = DEFAULT_REPLICATION_POLICY): number {
  const n = record.consecutiveValid;
  return n < policy.trustAfter ? policy.untrustedShare : 1 / n;
}

/** How many of a job's `segments` to replay for this node: its share, rounded up, at least the floor, at most all. */
export function segmentsToReplay(record: TrustRecord, segments: number, policy: ReplicationPolicy = DEFAULT_REPLICATION_POLICY): number {
  return Math.min(segments, Math.max(policy.floorSegments, Math.ceil(replayShare(record, policy) * segments)));
}

/** The record after a verdict: one more in the run, or back to none. */
export function afterVerdict(record: TrustRecord, accepted: boolean): TrustRecord {
  return { consecutiveValid: accepted ? record.consecutiveValid + 1 : 0 };
}
