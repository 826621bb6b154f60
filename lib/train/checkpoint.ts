import type * as tfjs from "@tensorflow/tfjs";
import type { TrainingProgress } from "./progress";

/**
 * A training checkpoint: the model's weights, the optimizer's state (Adam's moments and step
 * count…) and the epochs' reports, after a given epoch of a given job. Resuming from it on any
 * node continues exactly where training stopped: shuffles and augmentation are seeded per epoch.
 *
 * Layout: "CXCK", u32 format version, u32 header length, UTF-8 JSON header, zero padding to 8
 * bytes, then each tensor's values back to back (little-endian, each 8-aligned).
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

const align8 = (n: number) => (n + 7) & ~7;
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
  const json = new TextEncoder().encode(JSON.stringify(header));
  const tensors = [...checkpoint.weights, ...checkpoint.optimizer];
  let at = align8(12 + json.length);
  const offsets = tensors.map((t) => {
    const start = at;
    at = align8(at + t.values.byteLength);
    return start;
  });
  const out = new Uint8Array(at);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  tensors.forEach((t, i) => out.set(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength), offsets[i] as number));
  return out;
}

/** Reads a checkpoint file, refusing anything damaged with the reason. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new CheckpointError("not a CyxWiz checkpoint");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) throw new CheckpointError(`unsupported checkpoint version ${version}`);
  const length = view.getUint32(8, true);
  if (12 + length > bytes.length) throw new CheckpointError("the checkpoint is truncated");
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length))) as Header;
  } catch {
    throw new CheckpointError("the checkpoint's header is damaged");
  }
  if (typeof header.jobId !== "string" || !Number.isInteger(header.epoch) || !Array.isArray(header.weights) || !Array.isArray(header.optimizer)) {
    throw new CheckpointError("the checkpoint's header is incomplete");
  }
  const base = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  let at = align8(12 + length);
  const read = (entry: TensorEntry): StoredTensor => {
    const count = size(entry.shape);
    if (at + count * 4 > base.length) throw new CheckpointError("the checkpoint is truncated");
    const offset = base.byteOffset + at;
    const values = entry.dtype === "int32" ? new Int32Array(base.buffer, offset, count) : new Float32Array(base.buffer, offset, count);
    at = align8(at + count * 4);
    return { ...entry, values };
  };
  const weights = header.weights.map(read);
  const optimizer = header.optimizer.map(read);
  return { jobId: header.jobId, epoch: header.epoch, history: header.history ?? [], weights, optimizer };
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
    if (stored.shape.join("x") !== w.shape.join("x")) throw new CheckpointError(`weight ${w.originalName} is [${w.shape}] in the model but [${stored.shape}] in the checkpoint`);
  });
  const values = checkpoint.weights.map((s) => tf.tensor(s.values, s.shape, s.dtype));
  model.setWeights(values);
  tf.dispose(values);
  // The optimizer makes its slot variables from these tensors; they keep the data once these go.
  const state = checkpoint.optimizer.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape, s.dtype) }));
  await model.optimizer.setWeights(state);
  tf.dispose(state.map((s) => s.tensor));
}
