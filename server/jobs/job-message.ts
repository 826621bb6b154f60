import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  HyperparametersSchema,
  type JobPriority,
  JobSchema,
  JobStatus,
  JobType,
  LogLineSchema,
  MetricPointSchema,
  type Job,
  type LogLine,
  type MetricPoint,
  PaymentState,
} from "../../gen/cyxwiz/v1/job_pb";
import type { Hyperparameters } from "../../lib/job/hyperparameters";
import type { LogEvent, MetricPointEvent } from "../../lib/wire/socket";
import type { JobRow } from "./job-row";
import { isTerminal } from "./job-status";

export function jobStatusOf(name: string): JobStatus {
  return JobStatus[name as keyof typeof JobStatus] ?? JobStatus.UNSPECIFIED;
}

export function hyperparametersMessage(hp: Hyperparameters) {
  return create(HyperparametersSchema, hp);
}

/** The stored job as the wire contract's Job (used by RPC and REST alike). */
export function jobMessage(row: JobRow): Job {
  const ts = (d: Date | null) => (d ? timestampFromDate(d) : undefined);
  return create(JobSchema, {
    id: row.id,
    name: row.name,
    ownerId: row.userId ?? "",
    paused: row.paused,
    public: row.public,
    payment:
      row.priceLamports > 0n
        ? {
            priceLamports: row.priceLamports,
            payerAddress: row.payerAddress ?? "",
            escrowAddress: row.escrowAddress ?? "",
            depositSignature: row.escrowTx ?? "",
            deadlineMs: BigInt(row.paymentDeadline?.getTime() ?? 0),
            state: paymentStateOf(row),
            releaseSignature: row.releaseTx ?? "",
            refundSignature: row.refundTx ?? "",
          }
        : undefined,
    jobType: JobType[row.jobType as keyof typeof JobType] ?? JobType.TRAINING,
    status: jobStatusOf(row.status),
    priority: row.priority as JobPriority,
    modelDefinition: JSON.stringify(row.modelConfig),
    datasetUri: row.datasetUri,
    datasetSha256: row.datasetSha256,
    hyperparameters: hyperparametersMessage(row.hyperparameters as Hyperparameters),
    assignedNodeId: row.assignedNodeId ?? "",
    progress: row.progress,
    currentEpoch: row.currentEpoch,
    totalEpochs: row.totalEpochs,
    attempts: row.attempts,
    latestMetrics: row.latestMetrics as Record<string, number>,
    finalMetrics: (row.finalMetrics ?? {}) as Record<string, number>,
    modelWeightsUri: row.modelWeightsUri ?? "",
    modelWeightsSha256: row.modelWeightsSha256 ?? "",
    error: row.error ?? "",
    backend: row.backend ?? "",
    ...paceMessage(paceOf(row)),
    createdAt: ts(row.createdAt),
    assignedAt: ts(row.assignedAt),
    startedAt: ts(row.startedAt),
    completedAt: ts(row.completedAt),
  });
}

/** Where a priced job's money is, from its row: the settlement writes its transactions there. */
export function paymentStateOf(row: Pick<JobRow, "status" | "escrowTx" | "paymentSettledAt" | "releaseTx" | "refundTx">): PaymentState {
  if (row.status === "AWAITING_PAYMENT") return PaymentState.AWAITING_DEPOSIT;
  if (row.releaseTx) return PaymentState.RELEASED;
  if (row.refundTx) return PaymentState.REFUNDED;
  if (!row.escrowTx) return isTerminal(row.status) ? PaymentState.NEVER_PAID : PaymentState.AWAITING_DEPOSIT;
  return PaymentState.IN_ESCROW;
}

export interface Pace {
  samplesPerSecond: number;
  etaSeconds: number;
  memoryBytes: number;
}

/** A job's latest pace while it trains, zeros otherwise: the columns keep the last report's. */
export function paceOf(row: Pick<JobRow, "status" | "samplesPerSecond" | "etaSeconds" | "memoryBytes">): Pace {
  if (row.status !== "RUNNING") return { samplesPerSecond: 0, etaSeconds: 0, memoryBytes: 0 };
  return { samplesPerSecond: row.samplesPerSecond, etaSeconds: row.etaSeconds, memoryBytes: Number(row.memoryBytes) };
}

export function paceMessage(pace: Pace) {
  return { samplesPerSecond: pace.samplesPerSecond, etaSeconds: pace.etaSeconds, memoryBytes: BigInt(Math.round(pace.memoryBytes)) };
}

export function metricPointMessage(point: MetricPointEvent): MetricPoint {
  return create(MetricPointSchema, { step: point.step, epoch: point.epoch, values: point.values, time: timestampFromDate(new Date(point.time)) });
}

export function logLineMessage(log: LogEvent): LogLine {
  return create(LogLineSchema, { level: log.level, message: log.message, time: timestampFromDate(new Date(log.time)) });
}
