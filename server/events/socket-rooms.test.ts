import { describe, expect, it } from "vitest";
import { jobChannel, NETWORK_CHANNEL, nodeChannel, QUEUE_CHANNEL, inferenceChannel } from "./channels";
import { roomFor } from "./socket-rooms";

describe("roomFor", () => {
  it("sends a job's events to the job's room", () => {
    expect(roomFor(jobChannel("j1"))).toEqual({ room: "job:j1", event: "job" });
  });

  it("sends a node's commands to the node's own room", () => {
    expect(roomFor(nodeChannel("n1"))).toEqual({ room: "node:n1", event: "command" });
  });

  it("sends network events and new work to the network room", () => {
    expect(roomFor(NETWORK_CHANNEL)).toEqual({ room: "network", event: "network" });
    expect(roomFor(QUEUE_CHANNEL)).toEqual({ room: "network", event: "queue" });
  });

  it("keeps inference answers off every room: they carry one caller's data", () => {
    expect(roomFor(inferenceChannel("r1"))).toBeUndefined();
  });
});
