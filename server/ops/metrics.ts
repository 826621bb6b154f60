import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { Prisma } from "../db/database";
import type { SchedulerStatus } from "../../lib/wire/rest";
import { schedulerStatus } from "./scheduler-status";

/**
 * Prometheus metrics for GET /metrics. Counters are this instance's (Prometheus sums instances);
 * the queue and node gauges are read from the database at scrape time, so every instance reports
 * the same network-wide numbers.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly heartbeats = new Counter({ name: "cyxwiz_heartbeats_total", help: "Node heartbeats received by this instance", registers: [this.registry] });
  readonly submissions = new Counter({ name: "cyxwiz_jobs_submitted_total", help: "Jobs submitted through this instance", registers: [this.registry] });
  readonly assignments = new Counter({ name: "cyxwiz_assignments_total", help: "Jobs this instance handed to nodes", registers: [this.registry] });
  /** Lamports this instance counted into escrows (deposit), paid to nodes (release), to the treasury (fee) and back to payers (refund). */
  readonly lamports = new Counter({ name: "cyxwiz_payment_lamports_total", help: "Lamports moved by this instance's payments, by kind", labelNames: ["kind"] as const, registers: [this.registry] });

  constructor(prisma: Prisma, connectedNodes: () => number) {
    collectDefaultMetrics({ register: this.registry, prefix: "cyxwiz_" });
    // prom-client names these sums gauges "…_total", a suffix Prometheus keeps for counters
    // (promtool check metrics fails them); the same counts by type stay as nodejs_active_*.
    for (const sum of ["handles", "requests", "resources"]) this.registry.removeSingleMetric(`cyxwiz_nodejs_active_${sum}_total`);
    const registers = [this.registry];
    // One database read serves all the gauges of a scrape.
    let read: { at: number; status: Promise<SchedulerStatus> } | undefined;
    const status = () => {
      if (!read || Date.now() - read.at > 1000) read = { at: Date.now(), status: schedulerStatus(prisma) };
      return read.status;
    };
    new Gauge({
      name: "cyxwiz_queue_depth",
      help: "Queued jobs by priority",
      labelNames: ["priority"],
      registers,
      async collect() {
        for (const [priority, count] of Object.entries((await status()).queued)) this.set({ priority }, count);
      },
    });
    new Gauge({
      name: "cyxwiz_jobs_active",
      help: "Jobs assigned to or running on nodes",
      labelNames: ["status"],
      registers,
      async collect() {
        const s = await status();
        this.set({ status: "assigned" }, s.assigned);
        this.set({ status: "running" }, s.running);
      },
    });
    new Gauge({
      name: "cyxwiz_nodes",
      help: "Registered nodes by state",
      labelNames: ["status"],
      registers,
      async collect() {
        for (const [state, count] of Object.entries((await status()).nodes)) this.set({ status: state }, count);
      },
    });
    new Gauge({
      name: "cyxwiz_connected_nodes",
      help: "Nodes holding an assignment stream to this instance",
      registers,
      collect() {
        this.set(connectedNodes());
      },
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
