import type * as tfjs from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset-format";
import type { ModelGraph } from "../graph/types";
import type { Hyperparameters } from "../job/hyperparameters";
import { captureCheckpoint, type Checkpoint } from "../train/checkpoint";
import { compileGraph } from "../train/compile";
import { analyzeGraph } from "../graph/analyze";
import { disposeModel, trainGraph } from "../train/train-loop";
import type { ChunkedDataset } from "../train/training-data";

/**
 * Segments a job's steps are cut into for verification: enough that replaying one costs a small
 * share of the job (a trusted node's replay floor is one segment: 5 % at 20 segments), few enough
 * that each holds many steps, so one skipped or reordered step moves the weights measurably.
 */
export const TARGET_SEGMENTS = 20;
const MIN_STEPS_PER_SEGMENT = 10;

/** Steps per segment (k) for a job of `totalSteps` training steps. */
export function stepsPerSegment(totalSteps: number): number {
  if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new RangeError(`a job has a whole, positive number of steps, not ${totalSteps}`);
  return Math.min(totalSteps, Math.max(MIN_STEPS_PER_SEGMENT, Math.ceil(totalSteps / TARGET_SEGMENTS)));
}

/** The step counts at which segments start and end: 0, k, 2k, … and the last step (a short last segment when k does not divide it). */
export function segmentBoundaries(totalSteps: number, k: number): number[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`a segment holds a whole, positive number of steps, not ${k}`);
  const boundaries: number[] = [];
  for (let step = 0; step < totalSteps; step += k) boundaries.push(step);
  boundaries.push(totalSteps);
  return boundaries;
}

export interface SegmentJob {
  tf: typeof tfjs;
  graph: ModelGraph;
  hyperparameters: Hyperparameters;
  dataset: Dataset | ChunkedDataset;
  jobId: string;
}

/**
 * The state training starts from: the weights the graph initialises from the job's seed, and an
 * optimizer that has not stepped. The server computes it itself, so a node cannot pick its start.
 */
export async function initialState(job: Omit<SegmentJob, "dataset">): Promise<Checkpoint> {
  const { model } = compileGraph(job.tf, { graph: job.graph, analysis: analyzeGraph(job.graph) }, job.hyperparameters);
  try {
    return await captureCheckpoint(model, job.jobId, 0, [], 0);
  } finally {
    disposeModel(model);
  }
}

/**
 * Replays one segment: from the state at step `from.step` (the job's start when `from` is the
 * initial state) exactly `steps` steps, as the node's training loop ran them (same batches in the
 * same order, same dropout masks, same optimizer state), and hands back the state at the end.
 */
export async function replaySegment(job: SegmentJob, from: Checkpoint, steps: number): Promise<Checkpoint> {
  if (from.step === undefined) throw new RangeError("a segment starts from a checkpoint taken at a step boundary");
  const result = await trainGraph({ ...job, resume: from, stopAfterSteps: steps });
  try {
    // The history holds the epochs the replay closed: one that ends exactly at the segment's end is left to the next segment.
    return await captureCheckpoint(result.model, job.jobId, result.epochs.length, result.epochs, from.step + steps);
  } finally {
    disposeModel(result.model);
  }
}
