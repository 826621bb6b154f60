import type { StoredTensor } from "../train/checkpoint";
import type { TrainingState } from "./commitment";

/**
 * Relative L2 distance ‖claimed − replayed‖ / ‖replayed‖ over every weight tensor, summed in
 * float64 so that the float32 noise being measured is not drowned by the measuring. The
 * optimizer's slots are left out: they follow the weights, and their scale (Adam's second
 * moments) would swamp the weights' own. States of different architectures are infinitely far.
 */
export function relativeDistance(claimed: TrainingState, replayed: TrainingState): number {
  if (claimed.weights.length !== replayed.weights.length) return Number.POSITIVE_INFINITY;
  let difference = 0;
  let norm = 0;
  for (const [i, reference] of replayed.weights.entries()) {
    const other = claimed.weights[i] as StoredTensor;
    if (other.name !== reference.name || other.shape.join("x") !== reference.shape.join("x")) return Number.POSITIVE_INFINITY;
    for (let j = 0; j < reference.values.length; j++) {
      const r = reference.values[j] as number;
      const d = (other.values[j] as number) - r;
      difference += d * d;
      norm += r * r;
    }
  }
  if (Number.isNaN(difference)) return Number.POSITIVE_INFINITY;
  return norm > 0 ? Math.sqrt(difference / norm) : difference > 0 ? Number.POSITIVE_INFINITY : 0;
}

export type Verdict = { accepted: true; reason: string } | { accepted: false; reason: string };

export interface SegmentComparison {
  /** The verifier ran the backend the node reported: nothing but identical bits is honest then. */
  sameBackend: boolean;
  /** The replayed state's hash equals the one the node committed (weights and optimizer state). */
  hashesMatch: boolean;
  distance: number;
  /** Largest honest cross-backend distance for this model, calibrated from two honest backends. */
  tolerance: number;
}

export function segmentVerdict({ sameBackend, hashesMatch, distance, tolerance }: SegmentComparison): Verdict {
  if (hashesMatch) return { accepted: true, reason: "the replay reproduced the committed state bit for bit" };
  if (sameBackend)
    return {
      accepted: false,
      reason: `the replay on the node's own backend differs from the committed state (relative distance ${distance.toExponential(2)}): the same backend reproduces bits exactly`,
    };
  if (distance <= tolerance) return { accepted: true, reason: `the replay on another backend is within tolerance (relative distance ${distance.toExponential(2)} ≤ ${tolerance.toExponential(2)})` };
  return { accepted: false, reason: `the replay differs from the committed state by a relative distance of ${distance.toExponential(2)}, above the tolerance of ${tolerance.toExponential(2)}` };
}

/** A check made on every completion, replay or not: architecture, chain, held-out metrics. */
export interface EndCheck {
  name: string;
  passed: boolean;
  detail: string;
}

export interface SegmentResult {
  index: number;
  verdict: Verdict;
}

/** A job passes when every replayed segment and every end check does; the reason names the first failure. */
export function jobVerdict(segments: readonly SegmentResult[], endChecks: readonly EndCheck[]): Verdict {
  const failedCheck = endChecks.find((c) => !c.passed);
  if (failedCheck) return { accepted: false, reason: `${failedCheck.name}: ${failedCheck.detail}` };
  const failedSegment = segments.find((s) => !s.verdict.accepted);
  if (failedSegment) return { accepted: false, reason: `segment ${failedSegment.index}: ${failedSegment.verdict.reason}` };
  // Nothing replayed is no evidence that training happened.
  if (segments.length === 0) return { accepted: false, reason: "no segment was replayed" };
  return { accepted: true, reason: `${segments.length} segment${segments.length === 1 ? "" : "s"} replayed and ${endChecks.length} end check${endChecks.length === 1 ? "" : "s"} passed` };
}
