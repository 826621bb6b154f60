import type * as tfjs from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset-format";
import { concatenate } from "../data/typed-arrays";
import { analyzeGraph } from "../graph/analyze";
import type { ModelGraph } from "../graph/types";
import { CLASSIFICATION_LOSSES, type LossName } from "../graph/layers/output";
import { captureCheckpoint, restoreCheckpoint, type Checkpoint } from "./checkpoint";
import { compileGraph, setLearningRate } from "./compile";
import type { Hyperparameters } from "../job/hyperparameters";
import type { PauseController } from "./pause";
import { throttle, type TrainingProgress } from "./progress";
import type { DataPart } from "./data-pipeline";
import { chunkedData, wholeData, type ChunkedDataset, type HeldOutPart, type TrainingData } from "./training-data";
import { clipGradientsByNorm, EarlyStopping, seedDropout } from "./refinements";
import { periodicYield } from "./yield";

export class TrainingAborted extends Error {
  override name = "TrainingAborted";
  constructor() {
    super("training was stopped");
  }
}

/** The loss stopped being a number: training cannot recover, and retrying elsewhere would diverge the same way. */
export class TrainingDiverged extends Error {
  override name = "TrainingDiverged";
}

export interface TrainOptions {
  tf: typeof tfjs;
  graph: ModelGraph;
  hyperparameters: Hyperparameters;
  /** Held whole, or chunked and streamed through training. */
  dataset: Dataset | ChunkedDataset;
  onProgress?: (progress: TrainingProgress) => void | Promise<void>;
  signal?: AbortSignal;
  /** Least time between reports inside an epoch; epoch ends are always reported. */
  progressIntervalMs?: number;
  /** Holds the loop between batches while paused. */
  pause?: PauseController;
  /** The job being trained: checkpoints carry it, and a checkpoint of another job is refused. */
  jobId?: string;
  /** Continue from this checkpoint (taken after one of this job's epochs, or at one of its step boundaries, on any node). */
  resume?: Checkpoint;
  /** Take a checkpoint every `every` epochs (not after the last) and hand it to save. */
  checkpoints?: { every: number; save: (checkpoint: Checkpoint) => Promise<void> };
  /**
   * Take a checkpoint after every `every` steps counted from the job's first, the last step
   * included: the boundaries of verification segments. One at an epoch's end carries that epoch's report.
   */
  stepCheckpoints?: { every: number; save: (checkpoint: Checkpoint) => Promise<void> };
  /**
   * Train only this many steps from where training starts, then hand the model back unevaluated:
   * a verifier replaying one segment wants its end state, not metrics.
   */
  stopAfterSteps?: number;
}

/**
 * A classifier's outputs on held-out data, for the confusion matrix and ROC/PR curves: class
 * indices, and per sample either k class probabilities (k > 1 outputs) or one probability of
 * class 1 (a single sigmoid output, classes = 2).
 */
export interface Predictions {
  part: "validation" | "test";
  labels: Int32Array;
  scores: Float32Array;
  classes: number;
}

export interface TrainResult {
  model: tfjs.LayersModel;
  finalMetrics: Record<string, number>;
  /** Set for classifiers with held-out data (the test part if there is one, else validation). */
  predictions?: Predictions;
  /** Set when early stopping ended training: the epoch it stopped after, and the best epoch, whose weights the model holds. */
  stoppedEarly?: { epoch: number; bestEpoch: number };
  /** The report that closed each epoch. */
  epochs: TrainingProgress[];
  durationMs: number;
  backend: string;
}

/** tfjs calls accuracy "acc"; reports use the full word. */
const metricName = (name: string) => (name === "acc" ? "accuracy" : name);

/**
 * Trains a graph on a dataset with a hand-written loop (rather than model.fit) so that progress
 * is throttled, stopping is prompt and shuffles are seeded. The caller owns the returned model.
 */
export async function trainGraph(options: TrainOptions): Promise<TrainResult> {
  const { tf, graph, hyperparameters: hp, dataset, signal } = options;
  const started = performance.now();
  const analysis = analyzeGraph(graph);
  const { model, loss, learningRate, schedule } = compileGraph(tf, { graph, analysis }, hp);
  if (hp.clipNorm) clipGradientsByNorm(tf, model.optimizer, hp.clipNorm);
  const earlyStopping = hp.earlyStoppingPatience ? new EarlyStopping(tf, hp.earlyStoppingPatience) : undefined;
  const shouldReport = throttle(options.progressIntervalMs ?? 1000);
  const yieldNow = periodicYield();

  let data: TrainingData;
  try {
    data = "load" in dataset ? await chunkedData(tf, dataset, loss, analysis.data, hp) : wholeData(tf, dataset, loss, analysis.data, hp);
  } catch (error) {
    disposeModel(model);
    throw error;
  }
  const batches = data.batchesPerEpoch;
  const jobId = options.jobId ?? "local";
  const epochs: TrainingProgress[] = [...(options.resume?.history ?? [])];
  let metrics: Record<string, number> = {};
  let predictions: Predictions | undefined;
  let stoppedEarly: TrainResult["stoppedEarly"];
  const startStep = options.resume ? (options.resume.step ?? options.resume.epoch * batches) : 0;
  const stopAt = options.stopAfterSteps === undefined ? Number.POSITIVE_INFINITY : startStep + options.stopAfterSteps;
  let step = startStep;
  const totalSteps = hp.epochs * batches;
  const everySteps = options.stepCheckpoints?.every ?? 0;
  const atBoundary = () => everySteps > 0 && (step % everySteps === 0 || step === totalSteps);
  // This run's start, for the time left: a resumed run is timed from where it resumed.
  const pace = { since: performance.now(), fromStep: startStep / batches };
  try {
    if (options.resume) await restoreCheckpoint(tf, model, options.resume, jobId);
    for (let epoch = Math.floor(startStep / batches) + 1; epoch <= hp.epochs && step < stopAt; epoch++) {
      const epochStart = performance.now();
      const rate = schedule ? schedule({ epoch: epoch - 1, totalEpochs: hp.epochs, base: learningRate, history: epochs.map((e) => e.metrics) }) : learningRate;
      if (schedule) setLearningRate(model, rate);
      const sums: Record<string, number> = {};
      let seen = 0;
      const from = step - (epoch - 1) * batches;
      let b = from - 1;
      for await (const batch of data.batches(epoch, from)) {
        b++;
        let out: number | number[];
        try {
          if (options.pause?.paused) await options.pause.wait(signal);
          if (signal?.aborted) throw new TrainingAborted();
          seedDropout(model, hp.seed, step);
          out = await model.trainOnBatch(batch.x, batch.y);
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
        const { size } = batch;
        const values = Array.isArray(out) ? out : [out];
        if (!Number.isFinite(values[0])) {
          throw new TrainingDiverged(`the loss became ${values[0]} at epoch ${epoch}, batch ${b + 1} of ${batches}: lower the learning rate, normalise the inputs, or look for NaN values in the data`);
        }
        model.metricsNames.forEach((name, i) => {
          sums[metricName(name)] = (sums[metricName(name)] ?? 0) + (values[i] ?? NaN) * size;
        });
        seen += size;
        const last = b === batches - 1;
        metrics = { ...Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / seen])), lr: rate };
        step++;
        if (!last && shouldReport()) await options.onProgress?.(report(tf, epoch, hp.epochs, epoch - 1 + (b + 1) / batches, metrics, seen, epochStart, pace, false));
        if (!last && atBoundary()) await options.stepCheckpoints?.save(await captureCheckpoint(model, jobId, epoch - 1, [...epochs], step));
        await yieldNow();
        if (step >= stopAt) break;
      }
      if (step >= stopAt) break;
      if (data.counts.validation > 0) metrics = { ...metrics, ...(await evaluate(tf, model, data.pieces("validation"), hp.batchSize, "val_")) };
      const end = report(tf, epoch, hp.epochs, epoch, metrics, seen, epochStart, pace, true);
      shouldReport(true);
      epochs.push(end);
      await options.onProgress?.(end);
      const every = options.checkpoints?.every ?? 0;
      if (every > 0 && epoch % every === 0 && epoch < hp.epochs) await options.checkpoints?.save(await captureCheckpoint(model, jobId, epoch, [...epochs]));
      if (atBoundary()) await options.stepCheckpoints?.save(await captureCheckpoint(model, jobId, epoch, [...epochs], step));
      // The validation loss decides when there is one; otherwise the training loss.
      if (earlyStopping?.observe(epoch, metrics.val_loss ?? metrics.loss ?? Number.NaN, model) && epoch < hp.epochs) {
        earlyStopping.restore(model);
        stoppedEarly = { epoch, bestEpoch: earlyStopping.bestEpoch };
        metrics = { ...(epochs[earlyStopping.bestEpoch - 1]?.metrics ?? metrics) };
        break;
      }
    }
    if (options.stopAfterSteps !== undefined) return { model, finalMetrics: metrics, epochs, durationMs: performance.now() - started, backend: tf.getBackend() };
    // The test part is scored once, after training, so that nothing was tuned on it.
    if (data.counts.test > 0) metrics = { ...metrics, ...(await evaluate(tf, model, data.pieces("test"), hp.batchSize, "test_")) };
    const heldOut: HeldOutPart | undefined = data.counts.test > 0 ? "test" : data.counts.validation > 0 ? "validation" : undefined;
    if (heldOut && CLASSIFICATION_LOSSES.includes(loss as LossName)) predictions = await predictClasses(tf, model, data.pieces(heldOut), heldOut);
  } catch (error) {
    disposeModel(model);
    throw error;
  } finally {
    data.dispose();
    earlyStopping?.dispose();
  }
  return { model, finalMetrics: metrics, predictions, stoppedEarly, epochs, durationMs: performance.now() - started, backend: tf.getBackend() };
}

function report(
  tf: typeof tfjs,
  epoch: number,
  totalEpochs: number,
  step: number,
  metrics: Record<string, number>,
  samples: number,
  since: number,
  pace: { since: number; fromStep: number },
  epochEnd: boolean,
): TrainingProgress {
  const now = performance.now();
  const seconds = (now - since) / 1000;
  const done = step - pace.fromStep;
  return {
    epoch,
    totalEpochs,
    step,
    progress: step / totalEpochs,
    metrics: { ...metrics },
    samplesPerSecond: seconds > 0 ? samples / seconds : 0,
    etaSeconds: done > 0 ? ((now - pace.since) / 1000 / done) * (totalEpochs - step) : 0,
    memoryBytes: tf.memory().numBytes,
    epochEnd,
  };
}

/** The model's metrics over a held-out part: each piece's means, weighted by its samples. */
async function evaluate(tf: typeof tfjs, model: tfjs.LayersModel, pieces: AsyncIterable<DataPart>, batchSize: number, prefix: string): Promise<Record<string, number>> {
  const sums = model.metricsNames.map(() => 0);
  let count = 0;
  for await (const part of pieces) {
    const result = model.evaluate(part.x, part.y, { batchSize: Math.min(1024, batchSize * 4) });
    const scalars = Array.isArray(result) ? result : [result];
    const values = await Promise.all(scalars.map((s) => s.data()));
    tf.dispose(scalars);
    values.forEach((v, i) => (sums[i] = (sums[i] as number) + (v[0] ?? NaN) * part.count));
    count += part.count;
  }
  return Object.fromEntries(model.metricsNames.map((name, i) => [`${prefix}${metricName(name)}`, (sums[i] as number) / count]));
}

async function predictClasses(tf: typeof tfjs, model: tfjs.LayersModel, pieces: AsyncIterable<DataPart>, name: Predictions["part"]): Promise<Predictions | undefined> {
  const labels: Int32Array[] = [];
  const scores: Float32Array[] = [];
  let classes = 0;
  for await (const part of pieces) {
    const output = model.predict(part.x, { batchSize: 1024 }) as tfjs.Tensor;
    try {
      if (output.rank !== 2) return undefined;
      classes = output.shape[1] as number;
      // One-hot targets give their class by argmax; integer or 0/1 targets are the class already.
      const truth = tf.tidy(() => (part.y.rank === 2 && (part.y.shape[1] as number) > 1 ? tf.argMax(part.y, 1) : tf.round(part.y.flatten()).toInt()));
      labels.push(Int32Array.from((await truth.data()) as Int32Array));
      truth.dispose();
      scores.push(Float32Array.from(await output.data()));
    } finally {
      output.dispose();
    }
  }
  return { part: name, labels: concatenate(labels, (n) => new Int32Array(n)), scores: concatenate(scores, (n) => new Float32Array(n)), classes: classes > 1 ? classes : 2 };
}

/** Frees a trained model with its optimizer state (model.dispose() leaves the optimizer's slots). */
export function disposeModel(model: tfjs.LayersModel): void {
  model.optimizer?.dispose();
  model.dispose();
}
