import { create } from "@bufbuild/protobuf";
import { DeviceInfoSchema, DeviceType, type DeviceInfo } from "../../gen/cyxwiz/v1/node_service_pb";
import type { ProbeResult } from "../train/backend-probe";

const GPU_BACKENDS = ["webgpu", "webgl"];

/** What a node tells the server about its hardware: one device per measured backend, adapter details on WebGPU's. */
export function devicesFromProbe(probe: ProbeResult): DeviceInfo[] {
  return probe.measurements.map((m) => {
    const adapter = m.backend === "webgpu" ? probe.adapter : undefined;
    return create(DeviceInfoSchema, {
      deviceType: GPU_BACKENDS.includes(m.backend) ? DeviceType.GPU : DeviceType.CPU,
      backend: m.backend,
      name: adapter ? adapter.description || adapter.device || "WebGPU adapter" : m.backend,
      vendor: adapter?.vendor ?? "",
      architecture: adapter?.architecture ?? "",
      isFallbackAdapter: adapter?.isFallbackAdapter ?? false,
      memoryTotal: BigInt(adapter?.maxBufferSize ?? 0),
      gflops: m.gflops,
      selected: m.selected,
      note: m.note,
    });
  });
}

/** What the scheduler ranks a node by: the GFLOPS of the backend it trains on. */
export function selectedGflops(probe: ProbeResult): number {
  return probe.measurements.find((m) => m.selected)?.gflops ?? 0;
}
