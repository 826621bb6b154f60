import { describe, expect, it } from "vitest";
import { afterVerdict, DEFAULT_REPLICATION_POLICY, replayShare, segmentsToReplay } from "./policy";

describe("adaptive replication", () => {
  it("replays every segment of a new node's job, and of one not yet trusted", () => {
    expect(segmentsToReplay({ consecutiveValid: 0 }, 20)).toBe(20);
    expect(segmentsToReplay({ consecutiveValid: 9 }, 20)).toBe(20);
  });

  it("after N ≥ 10 consecutive valid results replays a share of 1/N, at most 10 %", () => {
    expect(replayShare({ consecutiveValid: 10 })).toBe(0.1);
    expect(segmentsToReplay({ consecutiveValid: 10 }, 20)).toBe(2);
    expect(segmentsToReplay({ consecutiveValid: 20 }, 20)).toBe(1);
    expect(segmentsToReplay({ consecutiveValid: 12 }, 100)).toBe(9);
  });

  it("never replays fewer than the floor, nor more segments than the job has", () => {
    expect(segmentsToReplay({ consecutiveValid: 10_000 }, 20)).toBe(1);
    expect(segmentsToReplay({ consecutiveValid: 10_000 }, 20, { ...DEFAULT_REPLICATION_POLICY, floorSegments: 3 })).toBe(3);
    expect(segmentsToReplay({ consecutiveValid: 0 }, 2, { ...DEFAULT_REPLICATION_POLICY, floorSegments: 3 })).toBe(2);
  });

  it("lets an operator replay only part of an untrusted node's job", () => {
    expect(segmentsToReplay({ consecutiveValid: 0 }, 20, { ...DEFAULT_REPLICATION_POLICY, untrustedShare: 0.5 })).toBe(10);
  });

  it("counts accepted verdicts and starts over at any rejection", () => {
    let record = { consecutiveValid: 0 };
    for (let i = 0; i < 15; i++) record = afterVerdict(record, true);
    expect(record).toEqual({ consecutiveValid: 15 });
    expect(afterVerdict(record, false)).toEqual({ consecutiveValid: 0 });
    expect(segmentsToReplay(afterVerdict(record, false), 20)).toBe(20);
  });
});
