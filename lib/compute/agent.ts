import { Code, ConnectError, createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { NodeService, NodeStatus, type DeploymentAssignment, type InferenceRequest, type JobAssignment, type WatchAssignmentsResponse } from "../../gen/cyxwiz/v1/node_service_pb";
import { decodeDataset, type DatasetSpec } from "../data/dataset-format";
import { decodeManifest, isDatasetManifest, residentSpec, type DatasetManifest } from "../data/dataset-manifest";
import { InferenceInputError, type DeploymentBundle, type InferenceRequest as InferenceJob } from "../inference/served-model";
import { analyzeGraph } from "../graph/analyze";
import { parseGraph } from "../graph/parse";
import type { ProbeResult } from "../train/backend-probe";
import type { TrainingExecutor } from "../train/executor";
import { withWeightsPath } from "../train/export";
import { GraphCompileError } from "../train/compile";
import { isRetryable } from "./retry";
import type { Hyperparameters } from "../job/hyperparameters";
import { epochLine, formatMetrics, type TrainingProgress } from "../train/progress";
import { TrainingAborted } from "../train/train-loop";
import { socketAssignments, SocketUnreachable } from "./assignment-socket";
import { chunkFetcher, fetchVerified, IntegrityError, SessionRefused, uploadArtifact } from "./artifacts-client";
import { backoffDelay, retryWhileUnavailable, sleep } from "./backoff";
import { fetchCached, type ContentStore } from "./content-cache";
import { devicesFromProbe } from "./devices";
import { fitProblem } from "./fit";
import type { NodeIdentity } from "./identity";
import { DoesNotFit } from "./retry";
import { MIN_SHARE, UsageControl } from "./usage";
import { registerNode } from "./register";

export type AgentPhase = "starting" | "probing" | "registering" | "idle" | "downloading" | "training" | "uploading" | "reconnecting" | "stopped";

export interface AgentJob {
  id: string;
  name: string;
  attempt: number;
  epoch: number;
  totalEpochs: number;
  progress: number;
  metrics: Record<string, number>;
  samplesPerSecond: number;
  etaSeconds: number;
  memoryBytes: number;
  /** Its owner paused it: it holds between batches until resumed. */
  heldByOwner?: boolean;
}

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

/** A sample of the machine's load; usages are fractions from 0 to 1, memory in bytes. */
export interface HostMetrics {
  cpuUsage: number;
  memoryUsed: number;
  gpuUsage: number;
  gpuMemoryUsed: number;
  gpuMemoryTotal: number;
}

const DEFAULT_REPROBE_MS = 30 * 60_000;
/** How long a finished job's result waits for an unreachable server before the node gives up. */
const RESULT_RETRY_MS = 15 * 60_000;
/** Below this a node could train nothing useful. */
const MIN_MEMORY_BYTES = 256 * 1024 ** 2;

/** The job the node trains, and the token that proves it holds this attempt of it. */
interface CurrentJob {
  id: string;
  abort: AbortController;
  token: string;
}

const LOG_LIMIT = 200;

/**
 * A compute node's whole life: probe backends, register, heartbeat, take assignments, train,
 * upload, report. The same code runs in a browser tab and in the Node host; only the transport
 * and the training executor differ.
 */
export class NodeAgent {
  state: AgentState;
  private readonly listeners = new Set<(state: AgentState) => void>();
  private readonly client: Client<typeof NodeService>;
  private readonly lifetime = new AbortController();
  private token = "";
  private heartbeatSeconds = 10;
  private current?: CurrentJob;
  /** Deployments this node serves: id → model name. */
  private readonly served = new Map<string, string>();
  private session = new AbortController();
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
  /** Set while an expired session is renewed. */
  private renewing?: Promise<void>;

  constructor(private readonly options: AgentOptions) {
    const limits = { share: 1, memoryBytes: options.machine.ramTotal };
    this.state = { phase: "starting", paused: false, limits, memoryTotal: options.machine.ramTotal, completedJobs: 0, failedJobs: 0, computeSeconds: 0, deployments: [], inferences: 0, log: [] };
    const auth: Interceptor = (next) => async (req) => {
      const sent = this.token;
      if (sent) req.header.set("authorization", `Bearer ${sent}`);
      try {
        return await next(req);
      } catch (error) {
        // The session ran out (say, mid-job, or just before the result is reported): register
        // again, keeping the job, and send the call once more rather than lose the work.
        if (req.stream || !sent || !(error instanceof ConnectError) || error.code !== Code.Unauthenticated) throw error;
        await this.renewSession(sent);
        req.header.set("authorization", `Bearer ${this.token}`);
        return next(req);
      }
    };
    this.client = createClient(NodeService, options.transport([auth]));
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
      this.note("error", `no compute backend works here: ${describe(error)}`);
      this.update({ phase: "stopped", lastError: describe(error) });
      return;
    }
    this.useProbe(probe);
    const heartbeats = this.heartbeatLoop();
    for (let attempt = 0; !this.lifetime.signal.aborted; attempt++) {
      await this.resumed?.promise;
      try {
        if (!this.state.nodeId) await this.register();
        await this.watchAssignments();
        attempt = 0;
      } catch (error) {
        if (this.lifetime.signal.aborted) break;
        if (this.state.paused) continue;
        if (isSessionError(error)) this.forgetSession();
        this.note("warn", `connection to server lost: ${describe(error)}`);
        this.update({ phase: "reconnecting", lastError: describe(error) });
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
    this.session.abort();
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
    this.session.abort();
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
      this.note("warn", `could not measure the backends again: ${describe(error)}`);
    }
  }

  private reprobeDue(): boolean {
    const every = this.options.reprobeEveryMs ?? DEFAULT_REPROBE_MS;
    return every > 0 && !this.current && !this.reprobing && Date.now() - this.probedAt >= every;
  }

  private async register(): Promise<void> {
    this.update({ phase: "registering" });
    const probe = this.state.probe as ProbeResult;
    const { machine } = this.options;
    const response = await registerNode(
      this.client,
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
    );
    this.token = response.sessionToken;
    this.heartbeatSeconds = response.heartbeatIntervalSeconds || 10;
    this.update({ nodeId: response.nodeId, phase: this.current ? this.state.phase : "idle" });
    this.note("info", `registered as node ${response.nodeId}`);
  }

  /** Registers again once for every call that found `expired` refused (single flight). */
  private renewSession(expired: string): Promise<void> {
    if (this.token !== expired) return Promise.resolve();
    this.note("info", "session expired; registering again");
    this.renewing ??= this.register().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  /** An upload with the session token, sent once more after registering again if the session had run out. */
  private async withSession<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = this.token;
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof SessionRefused)) throw error;
      await this.renewSession(token);
      return call(this.token);
    }
  }

  private forgetSession(): void {
    this.token = "";
    this.update({ nodeId: undefined });
    this.session.abort();
  }

  private async watchAssignments(): Promise<void> {
    this.session = new AbortController();
    const signal = AbortSignal.any([this.lifetime.signal, this.session.signal]);
    if (!this.current) this.update({ phase: "idle" });
    if (this.state.paused) this.session.abort();
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
        void this.deploy(event.value);
      } else if (event.case === "infer") {
        void this.infer(event.value);
      } else if (event.case === "undeployId") {
        this.undeploy(event.value);
      }
    }
    if (!signal.aborted) throw new Error("assignment stream ended");
  }

  /** The node's assignments and commands, over socket.io where chosen and reachable, else the WatchAssignments stream. */
  private async *assignmentMessages(signal: AbortSignal): AsyncGenerator<WatchAssignmentsResponse> {
    const stream = () => this.client.watchAssignments({ nodeId: this.state.nodeId }, { signal });
    if ((this.options.assignmentsVia ?? defaultAssignmentsVia()) === "stream") return yield* stream();
    try {
      yield* socketAssignments(this.options.serverUrl, this.token, signal);
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
      await sleep(this.heartbeatSeconds * 1000, this.lifetime.signal);
      if (!this.state.nodeId || this.lifetime.signal.aborted) continue;
      if (this.reprobeDue()) {
        this.reprobing = this.reprobe().finally(() => (this.reprobing = undefined));
        await this.reprobing;
      }
      try {
        const load = await this.options.hostMetrics?.().catch(() => undefined);
        const reprobed = this.probeToReport;
        const memory = this.memoryToReport;
        const datasets = this.datasetsChanged ? [...this.datasets] : undefined;
        const response = await this.client.heartbeat({
          ...(datasets ? { cachedDatasets: datasets } : {}),
          ...(memory ? { ramTotal: BigInt(Math.round(memory)) } : {}),
          ...(reprobed ? { devices: devicesFromProbe(reprobed), computeScore: selectedGflops(reprobed) } : {}),
          nodeId: this.state.nodeId,
          currentStatus: this.current ? NodeStatus.BUSY : NodeStatus.IDLE,
          activeJobs: this.current ? [this.current.id] : [],
          metrics: {
            samplesPerSecond: this.state.job?.samplesPerSecond ?? 0,
            cpuUsage: load?.cpuUsage ?? 0,
            gpuUsage: load?.gpuUsage ?? 0,
            memoryUsed: BigInt(Math.round(load?.memoryUsed ?? 0)),
            gpuMemoryUsed: BigInt(Math.round(load?.gpuMemoryUsed ?? 0)),
            gpuMemoryTotal: BigInt(Math.round(load?.gpuMemoryTotal ?? 0)),
          },
        });
        if (this.probeToReport === reprobed) this.probeToReport = undefined;
        if (this.memoryToReport === memory) this.memoryToReport = undefined;
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
        this.note("warn", `heartbeat failed: ${describe(error)}`);
      }
    }
  }

  private async runJob(assignment: JobAssignment): Promise<void> {
    if (this.current) return;
    const abort = new AbortController();
    const jobId = assignment.jobId;
    const job: CurrentJob = { id: jobId, abort, token: assignment.jobToken };
    this.current = job;
    await this.reprobing;
    const nodeId = this.state.nodeId as string;
    const started = performance.now();
    let trainingStarted = false;
    const hp = toHyperparameters(assignment);
    this.update({
      phase: "downloading",
      job: { id: jobId, name: "", attempt: assignment.attempt, epoch: 0, totalEpochs: hp.epochs, progress: 0, metrics: {}, samplesPerSecond: 0, etaSeconds: 0, memoryBytes: 0 },
    });
    this.note("info", `job ${jobId}: downloading dataset (${(Number(assignment.datasetSize) / 1e6).toFixed(1)} MB)`);
    const reporter = progressReporter((report) => this.client.reportProgress({ ...report, jobToken: job.token }, { signal: this.lifetime.signal }), abort);
    try {
      const parsed = parseGraph(assignment.modelDefinition);
      if (!parsed.ok) throw new GraphCompileError(parsed.issues.map((i) => i.message).join("; "));
      this.setJob({ name: parsed.graph.name ?? "" });
      await reporter.send(
        { nodeId, jobId, progress: 0, currentEpoch: 0, totalEpochs: hp.epochs, backend: this.state.probe?.chosen ?? "", logMessage: "downloading dataset" },
        true,
      );
      const { bytes: dataset, cached } = await fetchCached(this.options.store, this.url(assignment.datasetUrl), assignment.datasetSha256);
      if (this.options.store && !this.datasets.has(assignment.datasetSha256)) {
        this.datasets.add(assignment.datasetSha256);
        this.datasetsChanged = true;
      }
      if (cached) this.note("info", `job ${jobId}: dataset ${assignment.datasetSha256.slice(0, 12)}… from this node's cache`);
      const probe = this.state.probe;
      const manifest = isDatasetManifest(dataset) ? decodeManifest(dataset) : undefined;
      const problem = fitProblem(analyzeGraph(parsed.graph), manifest ? residentSpec(manifest) : decodeDataset(dataset).spec, hp, {
        memoryBytes: this.state.limits.memoryBytes,
        maxBufferBytes: probe?.chosen === "webgpu" ? probe.adapter?.maxBufferSize : undefined,
      });
      if (problem) throw new DoesNotFit(problem);
      const from = assignment.resumeFrom;
      const resume = from ? await fetchVerified(this.url(from.uri), from.sha256) : undefined;
      if (from) {
        const line = `resuming from the checkpoint after epoch ${from.epoch}`;
        this.note("info", `job ${jobId}: ${line}`);
        await reporter.send({ nodeId, jobId, progress: from.epoch / hp.epochs, currentEpoch: from.epoch, totalEpochs: hp.epochs, backend: this.state.probe?.chosen ?? "", logMessage: line }, true);
      }
      const upload = this.url(assignment.artifactUploadUrl || "/api/v1/artifacts");
      const checkpoints = this.checkpointUploader(nodeId, job, upload);
      this.update({ phase: "training" });
      trainingStarted = true;
      this.usage.trainingStarted();
      const outcome = await this.options.executor.train(
        { graph: parsed.graph, hyperparameters: hp, dataset, fetchChunk: manifest && this.chunkFetcher(manifest), jobId, resume, onCheckpoint: checkpoints.upload },
        (p: TrainingProgress) => {
          this.setJob({ epoch: p.epoch, progress: p.progress, metrics: p.metrics, samplesPerSecond: p.samplesPerSecond, etaSeconds: p.etaSeconds, memoryBytes: p.memoryBytes });
          this.update({ computeSeconds: this.usage.trainingMs / 1000 });
          if (p.epochEnd) this.note("info", `job ${jobId}: ${epochLine(p)}`);
          void reporter.send(
            {
              nodeId,
              jobId,
              progress: p.progress,
              currentEpoch: p.epoch,
              totalEpochs: p.totalEpochs,
              step: p.step,
              metrics: p.metrics,
              samplesPerSecond: p.samplesPerSecond,
              etaSeconds: p.etaSeconds,
              memoryBytes: BigInt(Math.round(p.memoryBytes)),
              backend: this.state.probe?.chosen ?? "",
              logMessage: p.epochEnd ? epochLine(p) : "",
            },
            p.epochEnd,
          );
        },
        abort.signal,
        this.usage.pause,
      );
      this.endTraining();
      trainingStarted = false;
      await reporter.flush();
      await checkpoints.settled();
      this.update({ phase: "uploading" });
      // The trained model is not thrown away because the server is briefly gone: each step is
      // retried until the server is back (or refuses).
      const persist = <T>(step: () => Promise<T>) =>
        retryWhileUnavailable(step, {
          signal: this.lifetime.signal,
          maxMs: RESULT_RETRY_MS,
          onRetry: (error) => this.note("warn", `job ${jobId}: server unreachable, keeping the trained model and trying again (${describe(error)})`),
        });
      const weights = await persist(() => this.withSession((token) => uploadArtifact(upload, outcome.weights, token, "application/octet-stream")));
      const modelJson = new TextEncoder().encode(JSON.stringify(withWeightsPath(outcome.modelJson, weights.sha256)));
      const model = await persist(() => this.withSession((token) => uploadArtifact(upload, modelJson, token, "application/json")));
      await persist(() =>
        this.client.reportCompletion({
          nodeId,
          jobId,
          jobToken: job.token,
          modelWeightsUri: model.uri,
          modelWeightsSha256: model.sha256,
          finalMetrics: outcome.finalMetrics,
          totalComputeTimeMs: BigInt(Math.round(performance.now() - started)),
          backend: outcome.backend,
        }),
      );
      this.update({ completedJobs: this.state.completedJobs + 1 });
      const early = outcome.stoppedEarly;
      if (early) this.note("info", `job ${jobId} stopped early after epoch ${early.epoch}: no improvement since epoch ${early.bestEpoch}, whose weights are kept`);
      this.note("info", `job ${jobId} completed: ${formatMetrics(outcome.finalMetrics)}`);
    } catch (error) {
      if (trainingStarted) this.endTraining();
      await this.handleJobError(job, nodeId, error);
    } finally {
      this.current = undefined;
      this.update({ phase: this.lifetime.signal.aborted ? "stopped" : "idle", job: undefined });
    }
  }

  private async handleJobError({ id: jobId, abort, token }: CurrentJob, nodeId: string, error: unknown): Promise<void> {
    if (abort.signal.aborted && error instanceof TrainingAborted) return;
    this.update({ failedJobs: this.state.failedJobs + 1, lastError: describe(error) });
    this.note("error", `job ${jobId} failed: ${describe(error)}`);
    const retryable = isRetryable(error);
    await this.client
      .reportFailure({ nodeId, jobId, jobToken: token, error: describe(error), retryable })
      .catch((e: unknown) => this.note("warn", `could not report the failure: ${describe(e)}`));
  }

  /** A chunked dataset's chunks through the node's store; an unreachable server is waited for, as for results. */
  private chunkFetcher(manifest: DatasetManifest): (index: number) => Promise<Uint8Array> {
    return chunkFetcher(manifest, async (chunk, index) => {
      const fetched = await retryWhileUnavailable(() => fetchCached(this.options.store, this.url(`/artifacts/${chunk.sha256}`), chunk.sha256), {
        signal: this.lifetime.signal,
        maxMs: RESULT_RETRY_MS,
        onRetry: (error) => this.note("warn", `dataset chunk ${index + 1}: server unreachable, trying again (${describe(error)})`),
      });
      return fetched.bytes;
    });
  }

  /**
   * Uploads checkpoints one after another without holding training up; a failed upload is noted
   * and the next checkpoint tries again (the job simply resumes from an earlier one if it moves).
   */
  private checkpointUploader(nodeId: string, job: CurrentJob, uploadUrl: string) {
    const jobId = job.id;
    let chain = Promise.resolve();
    const upload = (checkpoint: Uint8Array, epoch: number) => {
      chain = chain.then(async () => {
        try {
          const stored = await this.withSession((token) => uploadArtifact(uploadUrl, checkpoint, token, "application/octet-stream"));
          await this.client.uploadCheckpoint({ nodeId, jobId, jobToken: job.token, checkpoint: { epoch, uri: stored.uri, sha256: stored.sha256 } });
        } catch (error) {
          this.note("warn", `job ${jobId}: the checkpoint after epoch ${epoch} was not saved: ${describe(error)}`);
        }
      });
    };
    return { upload, settled: () => chain };
  }

  /** Loads a deployed model (the trained model's artifacts, verified by hash) and says so. */
  private async deploy(deployment: DeploymentAssignment): Promise<void> {
    const nodeId = this.state.nodeId as string;
    try {
      const modelJson = JSON.parse(new TextDecoder().decode(await fetchVerified(this.url(deployment.modelUrl), deployment.modelSha256))) as DeploymentBundle["modelJson"] & {
        weightsManifest: { paths: string[] }[];
      };
      const weightsHash = modelJson.weightsManifest[0]?.paths[0] ?? "";
      const weights = await fetchVerified(this.url(`/artifacts/${weightsHash}`), weightsHash);
      await this.options.executor.serve({ deploymentId: deployment.deploymentId, modelJson, weights, dataset: JSON.parse(deployment.datasetSpec) as DatasetSpec });
      this.served.set(deployment.deploymentId, deployment.name);
      this.update({ deployments: [...this.served.values()] });
      this.note("info", `serving model ${deployment.name}`);
      await this.client.reportDeployment({ nodeId, deploymentId: deployment.deploymentId, ready: true });
    } catch (error) {
      this.note("error", `could not load model ${deployment.name}: ${describe(error)}`);
      await this.client.reportDeployment({ nodeId, deploymentId: deployment.deploymentId, ready: false, error: describe(error) }).catch(() => undefined);
    }
  }

  private undeploy(deploymentId: string): void {
    this.options.executor.unserve(deploymentId);
    const name = this.served.get(deploymentId);
    this.served.delete(deploymentId);
    this.update({ deployments: [...this.served.values()] });
    if (name) this.note("info", `stopped serving model ${name}`);
  }

  /**
   * Answers an inference request, streaming generated text back as it comes: while one report
   * is in flight the next pieces gather, so a fast model is not held back by round trips.
   */
  private async infer(request: InferenceRequest): Promise<void> {
    const nodeId = this.state.nodeId as string;
    const report = (fields: { textDelta?: string; done?: boolean; resultJson?: string; error?: string; badInput?: boolean }) =>
      this.client.reportInference({ nodeId, requestId: request.requestId, ...fields });
    let pending = "";
    let chain = Promise.resolve();
    const flush = () => {
      chain = chain.then(async () => {
        if (!pending) return;
        const textDelta = pending;
        pending = "";
        await report({ textDelta }).catch(() => undefined);
      });
    };
    try {
      const result = await this.options.executor.infer(request.deploymentId, JSON.parse(request.requestJson) as InferenceJob, (text) => {
        pending += text;
        flush();
      });
      flush();
      await chain;
      await report({ done: true, resultJson: JSON.stringify(result) });
      this.update({ inferences: this.state.inferences + 1 });
    } catch (error) {
      await chain;
      await report({ done: true, error: describe(error), badInput: error instanceof InferenceInputError }).catch(() => undefined);
    }
  }

  private url(path: string): string {
    return new URL(path, this.options.serverUrl).toString();
  }

  private endTraining(): void {
    this.usage.trainingEnded();
    this.update({ computeSeconds: this.usage.trainingMs / 1000 });
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

type ProgressReport = Parameters<Client<typeof NodeService>["reportProgress"]>[0];

/**
 * Sends progress in order, one call at a time. While one is in flight only the newest
 * intermediate report waits; epoch ends are never dropped. A "cancel" answer aborts training.
 */
export function progressReporter(send: (report: ProgressReport) => Promise<{ cancel: boolean }>, abort: AbortController) {
  let chain: Promise<void> = Promise.resolve();
  let inFlight = 0;
  return {
    send(report: ProgressReport, mustArrive: boolean): Promise<void> {
      if (!mustArrive && inFlight > 0) return chain;
      inFlight++;
      chain = chain.then(async () => {
        try {
          const response = await send(report);
          if (response.cancel) abort.abort();
        } catch (error) {
          if (error instanceof ConnectError && (error.code === Code.PermissionDenied || error.code === Code.FailedPrecondition)) abort.abort();
        } finally {
          inFlight--;
        }
      });
      return chain;
    },
    flush: () => chain,
  };
}

function toHyperparameters(a: JobAssignment): Hyperparameters {
  const hp = a.hyperparameters;
  return {
    epochs: hp?.epochs ?? 1,
    batchSize: hp?.batchSize ?? 32,
    learningRate: hp?.learningRate ?? 0.001,
    optimizer: hp?.optimizer === "sgd" ? "sgd" : "adam",
    validationSplit: hp?.validationSplit ?? 0,
    seed: hp?.seed ?? 0,
    earlyStoppingPatience: hp?.earlyStoppingPatience ?? 0,
    clipNorm: hp?.clipNorm ?? 0,
    checkpointEvery: hp?.checkpointEvery,
  };
}

/** A page listens on socket.io (what browsers and proxies handle best); Node on the RPC stream. */
function defaultAssignmentsVia(): "socket.io" | "stream" {
  return typeof window === "undefined" ? "stream" : "socket.io";
}

function selectedGflops(probe: ProbeResult): number {
  return probe.measurements.find((m) => m.selected)?.gflops ?? 0;
}

function isSessionError(error: unknown): boolean {
  return error instanceof ConnectError && [Code.Unauthenticated, Code.PermissionDenied, Code.NotFound].includes(error.code);
}

function describe(error: unknown): string {
  if (error instanceof ConnectError) return `${Code[error.code]}: ${error.rawMessage}`;
  if (error instanceof IntegrityError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

