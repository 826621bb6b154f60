import type { MessageInitShape } from "@bufbuild/protobuf";
import { NodeStatus, type HeartbeatRequestSchema } from "../../gen/cyxwiz/v1/node_service_pb";
import type { ProbeResult } from "../train/backend-probe";
import { devicesFromProbe, selectedGflops } from "./devices";

/** A sample of the machine's load; usages are fractions from 0 to 1, memory in bytes. */
export interface HostMetrics {
  cpuUsage: number;
  memoryUsed: number;
  gpuUsage: number;
  gpuMemoryUsed: number;
  gpuMemoryTotal: number;
}

/** What a heartbeat tells the server; the optional parts only when the server has not heard them yet. */
export interface HeartbeatState {
  nodeId: string;
  /** The job the node trains, and how fast. */
  job?: { id: string; samplesPerSecond: number };
  /** The machine's load; a node that cannot measure it reports zeros. */
  load?: HostMetrics;
  /** A new measurement of the backends. */
  probe?: ProbeResult;
  /** A new memory limit (bytes). */
  memoryBytes?: number;
  /** The datasets (SHA-256) the node holds, when they changed. */
  datasets?: string[];
}

export function heartbeatRequest(state: HeartbeatState): MessageInitShape<typeof HeartbeatRequestSchema> {
  const { job, load, probe, memoryBytes, datasets } = state;
  return {
    ...(datasets ? { cachedDatasets: datasets } : {}),
    ...(memoryBytes ? { ramTotal: BigInt(Math.round(memoryBytes)) } : {}),
    ...(probe ? { devices: devicesFromProbe(probe), computeScore: selectedGflops(probe) } : {}),
    nodeId: state.nodeId,
    currentStatus: job ? NodeStatus.BUSY : NodeStatus.IDLE,
    activeJobs: job ? [job.id] : [],
    metrics: {
      samplesPerSecond: job?.samplesPerSecond ?? 0,
      cpuUsage: load?.cpuUsage ?? 0,
      gpuUsage: load?.gpuUsage ?? 0,
      memoryUsed: BigInt(Math.round(load?.memoryUsed ?? 0)),
      gpuMemoryUsed: BigInt(Math.round(load?.gpuMemoryUsed ?? 0)),
      gpuMemoryTotal: BigInt(Math.round(load?.gpuMemoryTotal ?? 0)),
    },
  };
}
