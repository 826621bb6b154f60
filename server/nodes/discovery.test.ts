import { describe, expect, it } from "vitest";
import { NOW, nodeRow } from "../../tests/helpers/node-rows";
import type { NodeRow } from "./node-store";
import { bucketFor, findNodes } from "./discovery";

const node = nodeRow;

describe("findNodes", () => {
  const gpu = node({ name: "gpu", backend: "webgpu", devices: [{ deviceType: 2, selected: true }], computeScore: 900, reputation: 60 });
  const trusted = node({ name: "trusted", computeScore: 20, reputation: 95 });
  const busy = node({ name: "busy", status: "BUSY", computeScore: 40 });
  const gone = node({ name: "gone", lastSeen: new Date(NOW - 120_000), computeScore: 50 });
  const small = node({ name: "small", ramTotal: 1_000_000_000n, region: "eu" });
  const all = [gpu, trusted, busy, gone, small];
  const names = (rows: NodeRow[]) => rows.map((r) => r.name);

  it("filters by backend, device, memory, score, reputation and region", () => {
    expect(names(findNodes(all, { backend: "webgpu" }, "performance", 30, NOW))).toEqual(["gpu"]);
    expect(names(findNodes(all, { deviceType: "gpu" }, "performance", 30, NOW))).toEqual(["gpu"]);
    expect(names(findNodes(all, { minMemory: 2_000_000_000n, minComputeScore: 35 }, "performance", 30, NOW))).toEqual(["gpu", "gone", "busy"]);
    expect(names(findNodes(all, { minReputation: 90 }, "performance", 30, NOW))).toEqual(["trusted"]);
    expect(names(findNodes(all, { region: "eu" }, "performance", 30, NOW))).toEqual(["small"]);
  });

  it("leaves out nodes not heard from within the timeout when asked for online ones", () => {
    expect(names(findNodes(all, { onlineOnly: true }, "performance", 30, NOW))).not.toContain("gone");
  });

  it("sorts by reputation, and by availability (online, idle, recently seen)", () => {
    expect(names(findNodes(all, {}, "reputation", 30, NOW))[0]).toBe("trusted");
    const byAvailability = names(findNodes(all, {}, "availability", 30, NOW));
    expect(byAvailability.slice(-2)).toEqual(["busy", "gone"]);
  });
});

describe("bucketFor", () => {
  it("picks round bucket widths giving at most 300 points", () => {
    expect(bucketFor(3600_000)).toBe(30);
    expect(bucketFor(24 * 3600_000)).toBe(300);
    expect(bucketFor(7 * 24 * 3600_000)).toBe(3600);
  });
});
