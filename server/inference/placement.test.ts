import { describe, expect, it } from "vitest";
import { NOW, nodeRow } from "../../tests/helpers/node-rows";
import { chooseServingNode } from "./placement";

describe("chooseServingNode", () => {
  it("prefers an idle node to a faster one that is training, then the fastest", () => {
    const nodes = [nodeRow({ name: "busy", status: "BUSY", computeScore: 900 }), nodeRow({ name: "slow", computeScore: 10 }), nodeRow({ name: "fast", computeScore: 50 })];
    expect(chooseServingNode(nodes, 30, NOW)?.name).toBe("fast");
  });

  it("never places a deployment on a node that is offline or banned", () => {
    const nodes = [
      nodeRow({ name: "gone", lastSeen: new Date(NOW - 120_000), computeScore: 900 }),
      nodeRow({ name: "banned", bannedUntil: new Date(NOW + 3_600_000), computeScore: 800 }),
      nodeRow({ name: "fine", computeScore: 5 }),
    ];
    expect(chooseServingNode(nodes, 30, NOW)?.name).toBe("fine");
    expect(chooseServingNode(nodes.slice(0, 2), 30, NOW)).toBeUndefined();
  });

  it("never places a deployment on a node that holds no assignment feed: requests could not reach it", () => {
    const nodes = [nodeRow({ name: "closed", feedOpen: false, computeScore: 900 }), nodeRow({ name: "connected", computeScore: 5 })];
    expect(chooseServingNode(nodes, 30, NOW)?.name).toBe("connected");
  });
});
