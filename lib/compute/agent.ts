import type { Client, Interceptor, Transport } from "@connectrpc/connect";
import type { JobAssignment, NodeService, RegisterNodeResponse, WatchAssignmentsResponse } from "../../gen/cyxwiz/v1/node_service_pb";
import type { ProbeResult } from "../train/backend-probe";
import type { TrainingExecutor } from "./executor";
import { socketAssignments, SocketUnreachable } from "./assignment-socket";
import { backoffDelay, sleep } from "./backoff";
import type { ContentStore } from "./content-cache";
import { describeError } from "./describe-error";
import { devicesFromProbe, selectedGflops } from "./devices";
import { heartbeatRequest, type HostMetrics } from "./heartbeat";
import type { NodeIdentity, NodeWallet } from "./identity";
import { runJobAttempt, type AgentJob, type CurrentJob } from "./job-attempt";
import { isSessionError, NodeSession } from "./node-session";
import { registerNode } from "./register";
import { ServingHost } from "./serving-host";
import { MIN_SHARE, UsageControl } from "./usage";

export type AgentPhase = "starting" | "probing" | "registering" | "idle" | "downloading" | "training" | "uploading" | "reconnecting" | "stopped";

export interface AgentState {
  phase: AgentPhase;
  /** The volunteer paused: the job (if any) holds where it is and no new one is taken. */
  paused: boolean;
  limits: UsageLimits;
  /** The device's memory, the most a volunteer can lend. */
  memoryTotal: number;
  nodeId?: string;
  probe?: ProbeResult;
  job?: AgentJob;
  completedJobs: number;
  failedJobs: number;
  /** Seconds spent training, all jobs together. */
  computeSeconds: number;
  /** Names of the models this node serves. */
  deployments: string[];
  /** Inference requests answered. */
  inferences: number;
  lastError?: string;
  /** Recent human-readable events, newest last; seq counts up across the agent's life. */
  log: AgentLogEntry[];
}

/** What the volunteer lends: a share of time (0.1–1) and at most this much memory. */
export interface UsageLimits {
  share: number;
  memoryBytes: number;
}

export interface AgentLogEntry {
  seq: number;
  time: number;
  level: "info" | "warn" | "error";
  message: string;
}

export interface AgentOptions {
  /** The central server's base URL (RPC and artifacts share it). */
  serverUrl: string;
  /** Builds a Connect transport to serverUrl with the given interceptors (connect-web or connect-node). */
  transport: (interceptors: Interceptor[]) => Transport;
  executor: TrainingExecutor;
  /** Keeps fetched datasets by hash, so that the next job on the same data starts at once. */
  store?: ContentStore;
  machine: { name: string; runtime: "browser" | "node"; cpuCores: number; ramTotal: number; userAgent?: string };
  /** The node's ed25519 identity (kept in IndexedDB by a tab, in a key file by the host). */
  identity: () => Promise<NodeIdentity>;
  /** The wallet paid jobs release into (the host's --wallet key file); without one the node takes free jobs only. */
  wallet?: NodeWallet;
  /** The machine's load for heartbeats: the host measures its whole machine, a tab what it can see. */
  hostMetrics?: () => Promise<HostMetrics>;
  /** Backends are measured again this often while idle (drivers, thermals and other load change); 0 never. */
  reprobeEveryMs?: number;
  /**
   * How assignments and commands arrive: over the node's socket.io connection (a page's default;
   * the WatchAssignments stream serves when socket.io cannot connect) or the WatchAssignments
   * stream (the default in Node).
   */
  assignmentsVia?: "socket.io" | "stream";
}

const DEFAULT_REPROBE_MS = 30 * 60_000;
/** Below this a node could train nothing useful. */
const MIN_MEMORY_BYTES = 256 * 1024 ** 2;

const LOG_LIMIT = 200;

/**
 * A compute node's whole life: probe backends, register, heartbeat, take assignments, train,
 * upload, report. The same code runs in a browser tab and in the Node host; only the transport
 * and the training executor differ.
 */
export class NodeAgent {
  state: AgentState;
  private readonly listeners = new Set<(state: AgentState) => void>();
  private readonly session: NodeSession;
  private readonly client: Client<typeof NodeService>;
  private readonly serving: ServingHost;
  private readonly lifetime = new AbortController();
  private current?: CurrentJob;
  /** The assignment stream now held; aborted to close it (a pause, a session gone). */
  private watching = new AbortController();
  private probedAt = 0;
  /** A new measurement the server has not heard of yet. */
  private probeToReport?: ProbeResult;
  /** A memory limit the server has not heard of yet. */
  private memoryToReport?: number;
  /** Datasets (SHA-256) this node holds; reported when they change, for the scheduler's data locality. */
  private readonly datasets = new Set<string>();
  private datasetsChanged = false;
  private readonly usage = new UsageControl();
  private resumed?: { promise: Promise<void>; resolve: () => void };
  /** Set while backends are measured again; a job waits for it rather than train beside it. */
  private reprobing?: Promise<void>;

  constructor(private readonly options: AgentOptions) {
    const limits = { share: 1, memoryBytes: options.machine.ramTotal };
    this.state = { phase: "starting", paused: false, limits, memoryTotal: options.machine.ramTotal, completedJobs: 0, failedJobs: 0, computeSeconds: 0, deployments: [], inferences: 0, log: [] };
    this.session = new NodeSession({
      transport: options.transport,
      register: (client) => this.register(client),
      onRegistered: (response) => this.registered(response),
      onExpired: () => this.note("info", "session expired; registering again"),
    });
    this.client = this.session.client;
    this.serving = new ServingHost({
      client: this.client,
      executor: options.executor,
      url: (path) => this.url(path),
      nodeId: () => this.state.nodeId as string,
      onServing: (deployments) => this.update({ deployments }),
      onInference: () => this.update({ inferences: this.state.inferences + 1 }),
      note: (level, message) => this.note(level, message),
    });
  }

  onChange(listener: (state: AgentState) => void): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  /** Runs until stop(): registration is retried, streams reconnect, sessions are renewed. */
  async run(): Promise<void> {
    this.update({ phase: "probing" });
    this.note("info", "measuring compute backends");
    let probe: ProbeResult;
    try {
      probe = await this.options.executor.probe();
    } catch (error) {
      this.note("error", `no compute backend works here: ${describeError(error)}`);
      this.update({ phase: "stopped", lastError: describeError(error) });
      return;
    }
    this.useProbe(probe);
    const heartbeats = this.heartbeatLoop();
    for (let attempt = 0; !this.lifetime.signal.aborted; attempt++) {
      await this.resumed?.promise;
      try {
        if (!this.state.nodeId) await this.session.register();
        await this.watchAssignments();
        attempt = 0;
      } catch (error) {
        if (this.lifetime.signal.aborted) break;
        if (this.state.paused) continue;
        if (isSessionError(error)) this.forgetSession();
        this.note("warn", `connection to server lost: ${describeError(error)}`);
        this.update({ phase: "reconnecting", lastError: describeError(error) });
        await sleep(backoffDelay(attempt), this.lifetime.signal);
      }
    }
    await heartbeats;
    this.update({ phase: "stopped" });
  }

  /**
   * Pauses: the job in progress holds between batches (the node keeps it, heartbeating) and the
   * assignment stream closes, so no new job comes until resume().
   */
  pause(): void {
    if (this.state.paused) return;
    let resolve = () => undefined as void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.resumed = { promise, resolve };
    this.usage.setPaused(true);
    this.watching.abort();
    this.update({ paused: true });
    this.note("info", this.current ? "paused: the job waits here until you resume" : "paused: taking no jobs until you resume");
  }

  resume(): void {
    if (!this.state.paused) return;
    this.usage.setPaused(false);
    this.resumed?.resolve();
    this.resumed = undefined;
    this.update({ paused: false });
    this.note("info", "resumed");
  }

  /** Changes what the volunteer lends; a new memory limit reaches the scheduler with the next heartbeat. */
  setLimits(limits: Partial<UsageLimits>): void {
    const next = { ...this.state.limits, ...limits };
    next.share = Math.min(1, Math.max(MIN_SHARE, next.share));
    next.memoryBytes = Math.min(this.options.machine.ramTotal, Math.max(MIN_MEMORY_BYTES, next.memoryBytes));
    if (next.memoryBytes !== this.state.limits.memoryBytes) this.memoryToReport = next.memoryBytes;
    this.usage.setShare(next.share);
    this.update({ limits: next });
  }

  /** Stops taking work; a job in progress is handed back to the server for another node. */
  async stop(): Promise<void> {
    const job = this.current;
    if (job) {
      job.abort.abort();
      await this.client.reportFailure({ nodeId: this.state.nodeId, jobId: job.id, jobToken: job.token, error: "the node was stopped", retryable: true }).catch(() => undefined);
    }
    this.lifetime.abort();
    this.watching.abort();
    this.resumed?.resolve();
    this.options.executor.dispose();
  }

  private useProbe(probe: ProbeResult): void {
    this.probedAt = Date.now();
    this.update({ probe });
    const chosen = probe.measurements.find((m) => m.selected);
    this.note("info", `training on ${probe.chosen} (${chosen?.gflops.toFixed(1) ?? "?"} GFLOPS)`);
  }

  /**
   * Measures the backends again; the next heartbeat carries the new devices and score, so the
   * scheduler ranks the node by what it can do now. Only while idle.
   */
  private async reprobe(): Promise<void> {
    this.note("info", "measuring compute backends again");
    try {
      this.useProbe(await this.options.executor.probe());
      this.probeToReport = this.state.probe;
    } catch (error) {
      this.probedAt = Date.now();
      this.note("warn", `could not measure the backends again: ${describeError(error)}`);
    }
  }

  private reprobeDue(): boolean {
    const every = this.options.reprobeEveryMs ?? DEFAULT_REPROBE_MS;
    return every > 0 && !this.current && !this.reprobing && Date.now() - this.probedAt >= every;
  }

  /** Registration as the session asks for it: first, and again whenever the server refused the session. */
  private async register(client: Client<typeof NodeService>): Promise<RegisterNodeResponse> {
    this.update({ phase: "registering" });
    const probe = this.state.probe as ProbeResult;
    const { machine } = this.options;
    return registerNode(
      client,
      await this.options.identity(),
      {
        name: machine.name,
        runtime: machine.runtime,
        cpuCores: machine.cpuCores,
        ramTotal: BigInt(Math.round(this.state.limits.memoryBytes)),
        userAgent: machine.userAgent ?? "",
        computeScore: selectedGflops(probe),
        devices: devicesFromProbe(probe),
      },
      this.current ? [this.current.id] : [],
      { signal: this.lifetime.signal },
      this.options.wallet,
    );
  }

  private registered(response: RegisterNodeResponse): void {
    this.update({ nodeId: response.nodeId, phase: this.current ? this.state.phase : "idle" });
    this.note("info", `registered as node ${response.nodeId}`);
  }

  private forgetSession(): void {
    this.session.forget();
    this.update({ nodeId: undefined });
    this.watching.abort();
  }

  private async watchAssignments(): Promise<void> {
    this.watching = new AbortController();
    const signal = AbortSignal.any([this.lifetime.signal, this.watching.signal]);
    if (!this.current) this.update({ phase: "idle" });
    if (this.state.paused) this.watching.abort();
    for await (const message of this.assignmentMessages(signal)) {
      const event = message.event;
      if (event.case === "assignment") {
        if (this.current?.id === event.value.jobId) continue;
        void this.runJob(event.value);
      } else if (event.case === "cancelJobId" && this.current?.id === event.value) {
        this.note("warn", `job ${event.value} was cancelled`);
        this.current.abort.abort();
      } else if ((event.case === "pauseJobId" || event.case === "resumeJobId") && this.current?.id === event.value) {
        const held = event.case === "pauseJobId";
        this.usage.setJobHeld(held);
        this.setJob({ heldByOwner: held });
        this.note("info", `job ${event.value} ${held ? "paused by its owner: holding it here" : "resumed by its owner"}`);
      } else if (event.case === "deploy") {
        void this.serving.deploy(event.value);
      } else if (event.case === "infer") {
        void this.serving.infer(event.value);
      } else if (event.case === "undeployId") {
        this.serving.undeploy(event.value);
      }
    }
    if (!signal.aborted) throw new Error("assignment stream ended");
  }

  /** The node's assignments and commands, over socket.io where chosen and reachable, else the WatchAssignments stream. */
  private async *assignmentMessages(signal: AbortSignal): AsyncGenerator<WatchAssignmentsResponse> {
    const stream = () => this.client.watchAssignments({ nodeId: this.state.nodeId }, { signal });
    if ((this.options.assignmentsVia ?? defaultAssignmentsVia()) === "stream") {
      yield* stream();
      return;
    }
    try {
      yield* socketAssignments(this.options.serverUrl, this.session.token, signal);
    } catch (error) {
      if (!(error instanceof SocketUnreachable)) throw error;
      this.note("warn", `socket.io unreachable (${error.message}): taking assignments over the WatchAssignments stream instead`);
      yield* stream();
    }
  }

  private async heartbeatLoop(): Promise<void> {
    while (!this.lifetime.signal.aborted) {
      // Until registered, check often: the first heartbeat comes one of the server's intervals after registration.
      if (!this.state.nodeId) {
        await sleep(250, this.lifetime.signal);
        continue;
      }
      await sleep(this.session.heartbeatSeconds * 1000, this.lifetime.signal);
      if (!this.state.nodeId || this.lifetime.signal.aborted) continue;
      if (this.reprobeDue()) {
        this.reprobing = this.reprobe().finally(() => (this.reprobing = undefined));
        await this.reprobing;
      }
      try {
        const load = await this.options.hostMetrics?.().catch(() => undefined);
        const probe = this.probeToReport;
        const memoryBytes = this.memoryToReport;
        const datasets = this.datasetsChanged ? [...this.datasets] : undefined;
        const job = this.current && { id: this.current.id, samplesPerSecond: this.state.job?.samplesPerSecond ?? 0 };
        const response = await this.client.heartbeat(heartbeatRequest({ nodeId: this.state.nodeId, job, load, probe, memoryBytes, datasets }));
        if (this.probeToReport === probe) this.probeToReport = undefined;
        if (this.memoryToReport === memoryBytes) this.memoryToReport = undefined;
        if (datasets?.length === this.datasets.size) this.datasetsChanged = false;
        const renewed = this.current && response.jobTokens[this.current.id];
        if (this.current && renewed) this.current.token = renewed;
        for (const id of response.jobsToCancel) {
          if (this.current?.id === id) {
            this.note("warn", `server took job ${id} back; stopping it`);
            this.current.abort.abort();
          }
        }
      } catch (error) {
        if (isSessionError(error)) this.forgetSession();
        this.note("warn", `heartbeat failed: ${describeError(error)}`);
      }
    }
  }

  private async runJob(assignment: JobAssignment): Promise<void> {
    if (this.current) return;
    const job: CurrentJob = { id: assignment.jobId, abort: new AbortController(), token: assignment.jobToken };
    this.current = job;
    await this.reprobing;
    try {
      await runJobAttempt(
        {
          client: this.client,
          session: this.session,
          executor: this.options.executor,
          store: this.options.store,
          lifetime: this.lifetime.signal,
          url: (path) => this.url(path),
          nodeId: this.state.nodeId as string,
          probe: this.state.probe,
          memoryBytes: () => this.state.limits.memoryBytes,
          pause: this.usage.pause,
          onPhase: (phase, started) => this.update(started ? { phase, job: started } : { phase }),
          onJob: (patch) => {
            this.setJob(patch);
            this.update({ computeSeconds: this.usage.trainingMs / 1000 });
          },
          onTraining: (running) => {
            if (running) return this.usage.trainingStarted();
            this.usage.trainingEnded();
            this.update({ computeSeconds: this.usage.trainingMs / 1000 });
          },
          onDatasetHeld: (sha256) => {
            if (this.datasets.has(sha256)) return;
            this.datasets.add(sha256);
            this.datasetsChanged = true;
          },
          onCompleted: () => this.update({ completedJobs: this.state.completedJobs + 1 }),
          onFailed: (error) => this.update({ failedJobs: this.state.failedJobs + 1, lastError: error }),
          note: (level, message) => this.note(level, message),
        },
        job,
        assignment,
      );
    } finally {
      this.current = undefined;
      this.update({ phase: this.lifetime.signal.aborted ? "stopped" : "idle", job: undefined });
    }
  }

  private url(path: string): string {
    return new URL(path, this.options.serverUrl).toString();
  }

  private setJob(patch: Partial<AgentJob>): void {
    if (this.state.job) this.update({ job: { ...this.state.job, ...patch } });
  }

  private note(level: AgentLogEntry["level"], message: string): void {
    const seq = (this.state.log.at(-1)?.seq ?? 0) + 1;
    this.update({ log: [...this.state.log, { seq, time: Date.now(), level, message }].slice(-LOG_LIMIT) });
  }

  private update(patch: Partial<AgentState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }
}

/** A page listens on socket.io (what browsers and proxies handle best); Node on the RPC stream. */
function defaultAssignmentsVia(): "socket.io" | "stream" {
  return typeof window === "undefined" ? "stream" : "socket.io";
}
