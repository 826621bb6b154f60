import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  FindNodesResponseSchema,
  GetNodeMetricsResponseSchema,
  GetNodeResponseSchema,
  ListNodesResponseSchema,
  type NodeDiscoveryService,
  NodeSort,
  NodeSummarySchema,
} from "../../gen/cyxwiz/v1/discovery_service_pb";
import { DeviceType, NodeStatus } from "../../gen/cyxwiz/v1/node_service_pb";
import type { ServerContext } from "../context";
import { bucketFor, findNodes, isOnline, type NodeOrder } from "../nodes/discovery";
import type { NodeRow } from "../nodes/node-store";
import { tierOf } from "../nodes/reputation";
import { invalidArgument, notFound, requireUuid } from "./errors";

const ORDER: Record<NodeSort, NodeOrder> = {
  [NodeSort.UNSPECIFIED]: "performance",
  [NodeSort.PERFORMANCE]: "performance",
  [NodeSort.REPUTATION]: "reputation",
  [NodeSort.AVAILABILITY]: "availability",
};
const MAX_NODES = 500;
const MAX_POINTS = 2000;

export function discoveryService(ctx: Pick<ServerContext, "nodes" | "config">): ServiceImpl<typeof NodeDiscoveryService> {
  const timeout = ctx.config.nodeTimeoutSeconds;

  const summary = (node: NodeRow, now: number) =>
    create(NodeSummarySchema, {
      nodeId: node.id,
      name: node.name,
      runtime: node.runtime,
      backend: node.backend,
      ramTotal: node.ramTotal,
      computeScore: node.computeScore,
      reputation: node.reputation,
      tier: tierOf(node.reputation),
      status: NodeStatus[node.status as keyof typeof NodeStatus] ?? NodeStatus.UNSPECIFIED,
      online: isOnline(node, timeout, now),
      region: node.region ?? "",
      lastSeenMs: BigInt(node.lastSeen.getTime()),
      devices: ((node.devices as { memoryTotal?: number }[] | null) ?? []).map((d) => ({ ...d, memoryTotal: BigInt(d.memoryTotal ?? 0) })),
    });

  return {
    async findNodes(req) {
      const limit = Math.min(req.limit || 50, MAX_NODES);
      const now = Date.now();
      const found = findNodes(
        await ctx.nodes.list(10_000),
        {
          backend: req.backend || undefined,
          deviceType: req.deviceType === DeviceType.GPU ? "gpu" : req.deviceType === DeviceType.CPU ? "cpu" : undefined,
          minMemory: req.minMemory || undefined,
          minComputeScore: req.minComputeScore || undefined,
          minReputation: req.minReputation || undefined,
          region: req.region || undefined,
          onlineOnly: req.onlineOnly,
        },
        ORDER[req.sortBy] ?? "performance",
        timeout,
        now,
      );
      return create(FindNodesResponseSchema, { nodes: found.slice(0, limit).map((n) => summary(n, now)) });
    },

    async listNodes(req) {
      const now = Date.now();
      return create(ListNodesResponseSchema, { nodes: (await ctx.nodes.list(Math.min(req.limit || 100, MAX_NODES))).map((n) => summary(n, now)) });
    },

    async getNode(req) {
      const node = await ctx.nodes.get(requireUuid(req.nodeId, "node_id"));
      if (!node) throw notFound(`node ${req.nodeId} does not exist`);
      return create(GetNodeResponseSchema, { node: summary(node, Date.now()) });
    },

    async getNodeMetrics(req) {
      const nodeId = requireUuid(req.nodeId, "node_id");
      if (!(await ctx.nodes.get(nodeId))) throw notFound(`node ${req.nodeId} does not exist`);
      const until = req.untilMs ? Number(req.untilMs) : Date.now();
      const since = req.sinceMs ? Number(req.sinceMs) : until - 3600_000;
      if (since >= until) throw invalidArgument("since_ms", "must be before until_ms");
      const bucketSeconds = req.bucketSeconds || bucketFor(until - since);
      if ((until - since) / (bucketSeconds * 1000) > MAX_POINTS) throw invalidArgument("bucket_seconds", `too small for the span: at most ${MAX_POINTS} points`);
      const rows = await ctx.nodes.metricSeries(nodeId, new Date(since), new Date(until), bucketSeconds);
      return create(GetNodeMetricsResponseSchema, {
        bucketSeconds,
        samples: rows.map((r) => ({
          timeMs: BigInt(new Date(r.bucket).getTime()),
          cpuUsage: r.cpu_usage ?? 0,
          gpuUsage: r.gpu_usage ?? 0,
          memoryUsed: BigInt(Math.round(r.memory_used ?? 0)),
          samplesPerSecond: r.samples_per_second ?? 0,
          jobsActive: r.jobs_active ?? 0,
        })),
      });
    },
  };
}
