import { Code, ConnectError, type Client } from "@connectrpc/connect";
import type { JobAssignment, NodeService } from "../../gen/cyxwiz/v1/node_service_pb";
import { decodeDataset } from "../data/dataset-format";
import { decodeManifest, isDatasetManifest, residentSpec, type DatasetManifest } from "../data/dataset-manifest";
import { prepareGraph } from "../graph/prepare";
import { hyperparametersInput, parseHyperparameters } from "../job/hyperparameters";
import type { ProbeResult } from "../train/backend-probe";
import { GraphCompileError } from "../train/compile";
import type { TrainingExecutor } from "./executor";
import { withWeightsPath } from "../train/export";
import type { PauseController } from "../train/pause";
import { epochLine, formatMetrics, type TrainingProgress } from "../train/progress";
import { TrainingAborted } from "../train/train-loop";
import { chunkFetcher, fetchVerified, uploadArtifact } from "./artifacts-client";
import { retryWhileUnavailable } from "./backoff";
import { download, fetchCached, readKept, type ContentStore } from "./content-cache";
import { describeError } from "./describe-error";
import { fitProblem } from "./fit";
import type { NodeSession } from "./node-session";
import { DoesNotFit, InvalidHyperparameters, isRetryable } from "./retry";

/** What a node shows of the job it trains. */
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

/** The job the node trains, and the token that proves it holds this attempt of it (heartbeat answers renew it). */
export interface CurrentJob {
  id: string;
  abort: AbortController;
  token: string;
}

export type AttemptPhase = "downloading" | "training" | "uploading";

/** What one attempt needs of its node, and what it tells the node as it goes. */
export interface AttemptNode {
  client: Pick<Client<typeof NodeService>, "reportProgress" | "uploadCheckpoint" | "reportCompletion" | "reportFailure">;
  /** Uploads go with its token, and once more after registering again if the server refused it. */
  session: Pick<NodeSession, "withSession">;
  executor: Pick<TrainingExecutor, "train">;
  /** Keeps fetched datasets by hash. */
  store?: ContentStore;
  /** The node's life: a trained model waits for an unreachable server only while it lasts. */
  lifetime: AbortSignal;
  /** A path on the server as a URL. */
  url: (path: string) => string;
  nodeId: string;
  probe?: ProbeResult;
  /** The memory the volunteer lends now. */
  memoryBytes: () => number;
  /** The volunteer's pause and share of time, obeyed between batches. */
  pause: PauseController;
  /** The attempt moved on; `job` is the job as it starts downloading. */
  onPhase: (phase: AttemptPhase, job?: AgentJob) => void;
  onJob: (patch: Partial<AgentJob>) => void;
  /** Training runs from one to the other; contributed time counts only that. */
  onTraining: (running: boolean) => void;
  /** The node's store now holds this dataset. */
  onDatasetHeld: (sha256: string) => void;
  onCompleted: () => void;
  onFailed: (error: string) => void;
  note: (level: "info" | "warn" | "error", message: string) => void;
}

/** How long an unreachable server is waited for, with a trained model to hand in or a chunk training needs, before the node gives up. */
const RESULT_RETRY_MS = 15 * 60_000;

/**
 * One attempt at a job: check its settings and graph, fetch the dataset (verified, through the
 * store), check that it fits, resume from the checkpoint it names, train with checkpoints on the
 * way, upload the model and report completion; or report why not (whether another node may try).
 */
export async function runJobAttempt(node: AttemptNode, job: CurrentJob, assignment: JobAssignment): Promise<void> {
  const { client } = node;
  const { id: jobId, abort } = job;
  const nodeId = node.nodeId;
  const backend = node.probe?.chosen ?? "";
  const started = performance.now();
  let training = false;
  const hp = parseHyperparameters(hyperparametersInput(assignment.hyperparameters));
  node.onPhase("downloading", {
    id: jobId,
    name: "",
    attempt: assignment.attempt,
    epoch: 0,
    totalEpochs: hp.ok ? hp.value.epochs : 0,
    progress: 0,
    metrics: {},
    samplesPerSecond: 0,
    etaSeconds: 0,
    memoryBytes: 0,
  });
  const reporter = progressReporter((report) => client.reportProgress({ ...report, jobToken: job.token }, { signal: node.lifetime }), abort);
  try {
    if (!hp.ok) throw new InvalidHyperparameters(hp.message);
    const { epochs } = hp.value;
    const prepared = prepareGraph(assignment.modelDefinition);
    if (!prepared.graph) throw new GraphCompileError(prepared.issues.map((i) => i.message).join("; "));
    node.onJob({ name: prepared.graph.name ?? "" });
    // The first report acknowledges the assignment, saying where the data comes from.
    const kept = await readKept(node.store, assignment.datasetSha256);
    const source = kept ? `dataset ${assignment.datasetSha256.slice(0, 12)}… from this node's cache` : `downloading dataset (${(Number(assignment.datasetSize) / 1e6).toFixed(1)} MB)`;
    node.note("info", `job ${jobId}: ${source}`);
    await reporter.send({ nodeId, jobId, progress: 0, currentEpoch: 0, totalEpochs: epochs, backend, logMessage: source }, true);
    const dataset = kept ?? (await download(node.store, node.url(assignment.datasetUrl), assignment.datasetSha256));
    if (node.store) node.onDatasetHeld(assignment.datasetSha256);
    const manifest = isDatasetManifest(dataset) ? decodeManifest(dataset) : undefined;
    const problem = fitProblem(prepared.analysis, manifest ? residentSpec(manifest) : decodeDataset(dataset).spec, hp.value, {
      memoryBytes: node.memoryBytes(),
      maxBufferBytes: node.probe?.chosen === "webgpu" ? node.probe.adapter?.maxBufferSize : undefined,
    });
    if (problem) throw new DoesNotFit(problem);
    const from = assignment.resumeFrom;
    const resume = from ? await fetchVerified(node.url(from.uri), from.sha256) : undefined;
    if (from) {
      const line = `resuming from the checkpoint after epoch ${from.epoch}`;
      node.note("info", `job ${jobId}: ${line}`);
      await reporter.send({ nodeId, jobId, progress: from.epoch / epochs, currentEpoch: from.epoch, totalEpochs: epochs, backend, logMessage: line }, true);
    }
    const upload = node.url(assignment.artifactUploadUrl || "/api/v1/artifacts");
    const checkpoints = checkpointUploader(node, job, upload);
    node.onPhase("training");
    training = true;
    node.onTraining(true);
    const outcome = await node.executor.train(
      { graph: prepared.graph, hyperparameters: hp.value, dataset, fetchChunk: manifest && cachedChunks(node, manifest), jobId, resume, onCheckpoint: checkpoints.upload },
      (p: TrainingProgress) => {
        node.onJob({ epoch: p.epoch, progress: p.progress, metrics: p.metrics, samplesPerSecond: p.samplesPerSecond, etaSeconds: p.etaSeconds, memoryBytes: p.memoryBytes });
        if (p.epochEnd) node.note("info", `job ${jobId}: ${epochLine(p)}`);
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
            backend,
            logMessage: p.epochEnd ? epochLine(p) : "",
          },
          p.epochEnd,
        );
      },
      abort.signal,
      node.pause,
    );
    training = false;
    node.onTraining(false);
    await reporter.flush();
    await checkpoints.settled();
    node.onPhase("uploading");
    // The trained model is not thrown away because the server is briefly gone: each step is
    // retried until the server is back (or refuses).
    const persist = <T>(step: () => Promise<T>) => untilReachable(node, step, (error) => `job ${jobId}: server unreachable, keeping the trained model and trying again (${describeError(error)})`);
    const weights = await persist(() => node.session.withSession((token) => uploadArtifact(upload, outcome.weights, token, "application/octet-stream")));
    const modelJson = new TextEncoder().encode(JSON.stringify(withWeightsPath(outcome.modelJson, weights.sha256)));
    const model = await persist(() => node.session.withSession((token) => uploadArtifact(upload, modelJson, token, "application/json")));
    await persist(() =>
      client.reportCompletion({
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
    node.onCompleted();
    const early = outcome.stoppedEarly;
    if (early) node.note("info", `job ${jobId} stopped early after epoch ${early.epoch}: no improvement since epoch ${early.bestEpoch}, whose weights are kept`);
    node.note("info", `job ${jobId} completed: ${formatMetrics(outcome.finalMetrics)}`);
  } catch (error) {
    if (training) node.onTraining(false);
    await reportFailure(node, job, error);
  }
}

/** Tells the server why the attempt failed and whether another node may try; a job stopped on purpose is no failure. */
async function reportFailure(node: AttemptNode, { id: jobId, abort, token }: CurrentJob, error: unknown): Promise<void> {
  if (abort.signal.aborted && error instanceof TrainingAborted) return;
  node.onFailed(describeError(error));
  node.note("error", `job ${jobId} failed: ${describeError(error)}`);
  await node.client
    .reportFailure({ nodeId: node.nodeId, jobId, jobToken: token, error: describeError(error), retryable: isRetryable(error) })
    .catch((e: unknown) => node.note("warn", `could not report the failure: ${describeError(e)}`));
}

function untilReachable<T>(node: AttemptNode, step: () => Promise<T>, retrying: (error: unknown) => string): Promise<T> {
  return retryWhileUnavailable(step, { signal: node.lifetime, maxMs: RESULT_RETRY_MS, onRetry: (error) => node.note("warn", retrying(error)) });
}

/** A chunked dataset's chunks through the node's store; an unreachable server is waited for, as for results. */
function cachedChunks(node: AttemptNode, manifest: DatasetManifest): (index: number) => Promise<Uint8Array> {
  return chunkFetcher(manifest, async (chunk, index) => {
    const fetched = await untilReachable(
      node,
      () => fetchCached(node.store, node.url(`/artifacts/${chunk.sha256}`), chunk.sha256),
      (error) => `dataset chunk ${index + 1}: server unreachable, trying again (${describeError(error)})`,
    );
    return fetched.bytes;
  });
}

/**
 * Uploads checkpoints one after another without holding training up; a failed upload is noted
 * and the next checkpoint tries again (the job simply resumes from an earlier one if it moves).
 */
function checkpointUploader(node: AttemptNode, job: CurrentJob, uploadUrl: string) {
  const jobId = job.id;
  let chain = Promise.resolve();
  const upload = (checkpoint: Uint8Array, epoch: number) => {
    chain = chain.then(async () => {
      try {
        const stored = await node.session.withSession((token) => uploadArtifact(uploadUrl, checkpoint, token, "application/octet-stream"));
        await node.client.uploadCheckpoint({ nodeId: node.nodeId, jobId, jobToken: job.token, checkpoint: { epoch, uri: stored.uri, sha256: stored.sha256 } });
      } catch (error) {
        node.note("warn", `job ${jobId}: the checkpoint after epoch ${epoch} was not saved: ${describeError(error)}`);
      }
    });
  };
  return { upload, settled: () => chain };
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
