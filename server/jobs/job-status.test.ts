import { describe, expect, it } from "vitest";
import { claimableSql, heldBySql, heldSql, JOB_STATUSES, TERMINAL_STATUSES, TRANSITIONS, type JobStatusName } from "./job-status";

describe("the job state machine", () => {
  it("never moves a job out of a terminal state", () => {
    for (const [operation, { from }] of Object.entries(TRANSITIONS)) {
      expect(
        from.filter((s) => (TERMINAL_STATUSES as readonly string[]).includes(s)),
        operation,
      ).toEqual([]);
    }
  });

  it("reaches every state from a submission", () => {
    const reached = new Set<JobStatusName>();
    let frontier: JobStatusName[] = [...TRANSITIONS.submit.to];
    while (frontier.length > 0) {
      frontier.forEach((s) => reached.add(s));
      frontier = Object.values(TRANSITIONS)
        .filter((t) => t.from.some((s) => reached.has(s)))
        .flatMap((t) => t.to)
        .filter((s) => !reached.has(s));
    }
    expect([...reached].sort()).toEqual([...JOB_STATUSES].sort());
  });

  it("names a held job's states as values, for a table alias or the bare column", () => {
    expect(heldSql("j").sql).toBe("j.status IN (?,?)");
    expect(heldSql().values).toEqual(["ASSIGNED", "RUNNING"]);
  });

  it("counts a paused queued job as not claimable", () => {
    expect(claimableSql("j").sql).toBe("j.status = 'QUEUED' AND NOT j.paused");
  });

  it("checks the holder's node and attempt with the state", () => {
    const held = heldBySql("00000000-0000-0000-0000-000000000001", { nodeId: "00000000-0000-0000-0000-000000000002", attempt: 3 }, ["RUNNING"]);
    expect(held.values).toEqual(["00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002", 3, "RUNNING"]);
  });
});
