import type * as tfjs from "@tensorflow/tfjs";
import { ContainerError, encodeContainer, openContainer, type ContainerProblem } from "../data/container";
import type { TrainingProgress } from "./progress";

/**
 * A training checkpoint: the model's weights, the optimizer's state (Adam's moments and step
 * count…) and the epochs' reports, after a given epoch of a given job. Resuming from it on any
 * node continues exactly where training stopped: shuffles and augmentation are seeded per epoch.
 * Stored in the shared container layout (lib/data/container.ts) as "CXCK": the header lists the
 * tensors, whose values follow in order.
 */
const MAGIC = "CXCK";
const FORMAT_VERSION = 1;

type StoredDtype = "float32" | "int32";

interface TensorEntry {
  name: string;
  shape: number[];
  dtype: StoredDtype;
}

interface Header {
  jobId: string;
  epoch: number;
  history: TrainingProgress[];
  weights: TensorEntry[];
  optimizer: TensorEntry[];
}

export interface StoredTensor extends TensorEntry {
  values: Float32Array | Int32Array;
}

export interface Checkpoint {
  jobId: string;
  /** The last epoch trained: resuming starts with the next. */
  epoch: number;
  /** The report that closed each epoch so far (learning-rate schedules read it). */
  history: TrainingProgress[];
  weights: StoredTensor[];
  optimizer: StoredTensor[];
}

export class CheckpointError extends Error {
  override name = "CheckpointError";
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Captures the model and its optimizer after an epoch. */
export async function captureCheckpoint(model: tfjs.LayersModel, jobId: string, epoch: number, history: TrainingProgress[]): Promise<Checkpoint> {
  const toStored = async (name: string, tensor: tfjs.Tensor): Promise<StoredTensor> => {
    const dtype: StoredDtype = tensor.dtype === "int32" ? "int32" : "float32";
    const data = await tensor.data();
    return { name, shape: [...tensor.shape], dtype, values: dtype === "int32" ? Int32Array.from(data) : Float32Array.from(data) };
  };
  const weights = await Promise.all(model.weights.map((w) => toStored(w.originalName, w.read())));
  const optimizerState = await model.optimizer.getWeights();
  const optimizer = await Promise.all(optimizerState.map((w) => toStored(w.name, w.tensor)));
  return { jobId, epoch, history, weights, optimizer };
}

export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const entry = ({ name, shape, dtype }: StoredTensor): TensorEntry => ({ name, shape, dtype });
  const header: Header = { jobId: checkpoint.jobId, epoch: checkpoint.epoch, history: checkpoint.history, weights: checkpoint.weights.map(entry), optimizer: checkpoint.optimizer.map(entry) };
  return encodeContainer(
    MAGIC,
    FORMAT_VERSION,
    header,
    [...checkpoint.weights, ...checkpoint.optimizer].map((t) => t.values),
  );
}

/** Reads a checkpoint file, refusing anything damaged with the reason. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  try {
    const file = openContainer(bytes, MAGIC, FORMAT_VERSION);
    const header = file.header as Header;
    if (typeof header.jobId !== "string" || !Number.isInteger(header.epoch) || !Array.isArray(header.weights) || !Array.isArray(header.optimizer)) {
      throw new CheckpointError("the checkpoint's header is incomplete");
    }
    const read = (entry: TensorEntry): StoredTensor => ({ ...entry, values: file.next(size(entry.shape), entry.dtype) as Float32Array | Int32Array });
    const weights = header.weights.map(read);
    const optimizer = header.optimizer.map(read);
    return { jobId: header.jobId, epoch: header.epoch, history: header.history ?? [], weights, optimizer };
  } catch (error) {
    if (!(error instanceof ContainerError)) throw error;
    const messages: Record<ContainerProblem, string> = {
      foreign: "not a CyxWiz checkpoint",
      version: `unsupported checkpoint version ${error.version}`,
      header: "the checkpoint's header is damaged",
      truncated: "the checkpoint is truncated",
    };
    throw new CheckpointError(messages[error.problem]);
  }
}

/**
 * Puts a checkpoint's weights and optimizer state into a freshly compiled model of the same
 * graph. A checkpoint of another job, or of a model with other weights, is refused.
 */
export async function restoreCheckpoint(tf: typeof tfjs, model: tfjs.LayersModel, checkpoint: Checkpoint, jobId: string): Promise<void> {
  if (checkpoint.jobId !== jobId) throw new CheckpointError(`the checkpoint belongs to job ${checkpoint.jobId}, not ${jobId}`);
  const weights = model.weights;
  if (weights.length !== checkpoint.weights.length) throw new CheckpointError(`the checkpoint has ${checkpoint.weights.length} weights; the model has ${weights.length}`);
  weights.forEach((w, i) => {
    const stored = checkpoint.weights[i] as StoredTensor;
    if (stored.shape.join("x") !== w.shape.join("x")) throw new CheckpointError(`weight ${w.originalName} is [${w.shape.join(",")}] in the model but [${stored.shape.join(",")}] in the checkpoint`);
  });
  const values = checkpoint.weights.map((s) => tf.tensor(s.values, s.shape, s.dtype));
  model.setWeights(values);
  tf.dispose(values);
  // The optimizer makes its slot variables from these tensors; they keep the data once these go.
  const state = checkpoint.optimizer.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape, s.dtype) }));
  await model.optimizer.setWeights(state);
  tf.dispose(state.map((s) => s.tensor));
}
