import { describe, expect, it } from "vitest";
import { DeviceType } from "../../gen/cyxwiz/v1/node_service_pb";
import { devicesFromProbe, selectedGflops } from "./devices";

describe("devicesFromProbe", () => {
  it("reports each backend, with the WebGPU adapter's details on the WebGPU device only", () => {
    const devices = devicesFromProbe({
      chosen: "wasm",
      adapter: { vendor: "google", architecture: "swiftshader", device: "", description: "SwiftShader", isFallbackAdapter: true, maxBufferSize: 1 << 30 },
      measurements: [
        { backend: "webgpu", available: true, correct: true, gflops: 0.4, selected: false, note: "passed over" },
        { backend: "wasm", available: true, correct: true, gflops: 30, selected: true, note: "selected" },
      ],
    });
    expect(devices.map((d) => [d.backend, d.deviceType, d.vendor, d.isFallbackAdapter, d.memoryTotal, d.selected])).toEqual([
      ["webgpu", DeviceType.GPU, "google", true, 1n << 30n, false],
      ["wasm", DeviceType.CPU, "", false, 0n, true],
    ]);
    expect(devices[0]?.name).toBe("SwiftShader");
  });
});

describe("selectedGflops", () => {
  it("is the score of the backend the node trains on", () => {
    const measurement = { available: true, correct: true, note: "" };
    expect(
      selectedGflops({
        chosen: "wasm",
        measurements: [
          { ...measurement, backend: "webgl", gflops: 80, selected: false },
          { ...measurement, backend: "wasm", gflops: 30, selected: true },
        ],
      }),
    ).toBe(30);
  });

  it("is 0 when no backend was selected", () => {
    expect(selectedGflops({ chosen: "cpu", measurements: [] })).toBe(0);
  });
});
