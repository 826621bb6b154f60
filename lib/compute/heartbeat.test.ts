import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { DeviceType, HeartbeatRequestSchema, NodeStatus } from "../../gen/cyxwiz/v1/node_service_pb";
import type { ProbeResult } from "../train/backend-probe";
import { heartbeatRequest } from "./heartbeat";

const probe: ProbeResult = {
  chosen: "wasm",
  measurements: [{ backend: "wasm", available: true, correct: true, gflops: 30, selected: true, note: "selected" }],
};

const load = { cpuUsage: 0.5, memoryUsed: 1e9 + 0.4, gpuUsage: 0.25, gpuMemoryUsed: 2e9, gpuMemoryTotal: 8e9 };

describe("heartbeatRequest", () => {
  it("reports an idle node with no jobs", () => {
    const request = heartbeatRequest({ nodeId: "n1" });
    expect(request).toMatchObject({ nodeId: "n1", currentStatus: NodeStatus.IDLE, activeJobs: [] });
  });

  it("reports a training node busy with its job and the job's speed", () => {
    const request = heartbeatRequest({ nodeId: "n1", job: { id: "j1", samplesPerSecond: 1200 } });
    expect(request).toMatchObject({ currentStatus: NodeStatus.BUSY, activeJobs: ["j1"], metrics: { samplesPerSecond: 1200 } });
  });

  it("carries the machine's load, memory in whole bytes", () => {
    expect(heartbeatRequest({ nodeId: "n1", load }).metrics).toEqual({
      samplesPerSecond: 0,
      cpuUsage: 0.5,
      gpuUsage: 0.25,
      memoryUsed: 1_000_000_000n,
      gpuMemoryUsed: 2_000_000_000n,
      gpuMemoryTotal: 8_000_000_000n,
    });
  });

  it("reports zeros for a load it could not measure", () => {
    expect(heartbeatRequest({ nodeId: "n1" }).metrics).toEqual({ samplesPerSecond: 0, cpuUsage: 0, gpuUsage: 0, memoryUsed: 0n, gpuMemoryUsed: 0n, gpuMemoryTotal: 0n });
  });

  it("leaves devices, score, memory and datasets out when nothing changed", () => {
    const request = create(HeartbeatRequestSchema, heartbeatRequest({ nodeId: "n1", load }));
    expect([request.devices, request.computeScore, request.ramTotal, request.cachedDatasets]).toEqual([[], 0, 0n, []]);
  });

  it("carries a new measurement as devices and the selected backend's score", () => {
    const request = heartbeatRequest({ nodeId: "n1", probe });
    expect(request.computeScore).toBe(30);
    expect(request.devices?.map((d) => [d.backend, d.deviceType])).toEqual([["wasm", DeviceType.CPU]]);
  });

  it("carries a new memory limit in whole bytes", () => {
    expect(heartbeatRequest({ nodeId: "n1", memoryBytes: 4.5 * 1024 ** 3 + 0.6 }).ramTotal).toBe(4_831_838_209n);
  });

  it("carries the datasets held when they changed, even none", () => {
    expect(heartbeatRequest({ nodeId: "n1", datasets: ["aa", "bb"] }).cachedDatasets).toEqual(["aa", "bb"]);
    expect(heartbeatRequest({ nodeId: "n1", datasets: [] })).toHaveProperty("cachedDatasets", []);
  });
});
