import { describe, expect, it } from "vitest";
import type { JobLog } from "../db/generated/client";
import type { JobStore } from "../jobs/job-store";
import type { JobRow } from "../jobs/job-row";
import type { ClaimRound } from "./claim";
import { Dispatcher, type DispatcherDeps } from "./dispatcher";

/** A dispatcher over a fake queue of `queued` job ids, recording what each round was offered. */
function dispatcherWith(queued: string[]) {
  const rounds: { nodeIds: string[]; limit: number }[] = [];
  let probes = 0;
  const log = (jobId: string): JobLog => ({ id: 1n, jobId, level: "info", message: "assigned", createdAt: new Date() });
  const deps: DispatcherDeps = {
    jobs: {
      getMany: async (ids: string[]) => ids.map((id) => ({ id }) as JobRow),
      pendingFor: async () => [],
    } as unknown as JobStore,
    claim: async (nodeIds, limit): Promise<ClaimRound> => {
      rounds.push({ nodeIds, limit });
      const claims = queued.splice(0, Math.min(limit, nodeIds.length)).map((jobId, i) => ({ jobId, nodeId: nodeIds[i] as string, log: log(jobId) }));
      return { claims, queueEmpty: claims.length === 0 && queued.length === 0 };
    },
    anyQueued: async () => {
      probes++;
      return queued.length > 0;
    },
    release: async () => undefined,
    onAssigned: async () => undefined,
    onError: (error) => {
      throw error;
    },
  };
  return { dispatcher: new Dispatcher(deps), rounds, probes: () => probes, queued };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

/** The first round after one job is queued behind `count` idle nodes (node i has score i). */
async function roundAmongIdle(count: number) {
  const { dispatcher, rounds, queued } = dispatcherWith([]);
  for (let i = 0; i < count; i++) dispatcher.attach(`n${i}`, () => true, i);
  await settle();
  queued.push("job");
  rounds.length = 0;
  await dispatcher.dispatch();
  return rounds[0];
}

describe("Dispatcher", () => {
  it("offers a round among many idle nodes to the fastest ones only, four per job it may hand out", async () => {
    const round = await roundAmongIdle(3000);
    expect(round?.limit).toBe(500);
    expect(round?.nodeIds).toHaveLength(2000);
    expect(round?.nodeIds.slice(0, 2)).toEqual(["n2999", "n2998"]);
    expect(round?.nodeIds).not.toContain("n999");
  });

  it("offers a round among few idle nodes to all of them", async () => {
    const round = await roundAmongIdle(10);
    expect(round?.nodeIds.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `n${i}`).sort());
  });

  it("hands a busy node nothing until it is nudged", async () => {
    const delivered: string[] = [];
    const { dispatcher, queued } = dispatcherWith(["first"]);
    dispatcher.attach("n", (job) => Boolean(delivered.push(job.id)));
    await settle();
    queued.push("second");
    await dispatcher.dispatch();
    expect(delivered).toEqual(["first"]);
    await dispatcher.nudge("n");
    expect(delivered).toEqual(["first", "second"]);
  });

  it("makes a sweep with the queue last seen empty one cheap probe", async () => {
    const { dispatcher, rounds, probes } = dispatcherWith([]);
    dispatcher.attach("n", () => true);
    await settle();
    const before = rounds.length;
    await dispatcher.dispatch(true);
    await dispatcher.dispatch(true);
    expect(rounds.length).toBe(before);
    expect(probes()).toBe(2);
  });
});
