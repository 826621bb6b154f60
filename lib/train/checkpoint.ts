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
  step?: number;
  history: TrainingProgress[];
  weights: TensorEntry[];
  optimizer: TensorEntry[];
}

export interface StoredTensor extends TensorEntry {
  values: Float32Array | Int32Array;
}

export interface Checkpoint {
  jobId: string;
  /** The last epoch trained to its end: resuming starts with the next unless `step` says otherwise. */
  epoch: number;
  /**
   * Training steps (batches) taken since the start, when the checkpoint was taken inside an epoch
   * (a verification segment's boundary): resuming continues with the next batch of that epoch.
   */
  step?: number;
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
export async function captureCheckpoint(model: tfjs.LayersModel, jobId: string, epoch: number, history: TrainingProgress[], step?: number): Promise<Checkpoint> {
  const toStored = async (name: string, tensor: tfjs.Tensor): Promise<StoredTensor> => {
    const dtype: StoredDtype = tensor.dtype === "int32" ? "int32" : "float32";
    const data = await tensor.data();
    return { name, shape: [...tensor.shape], dtype, values: dtype === "int32" ? Int32Array.from(data) : Float32Array.from(data) };
  };
  const weights = await Promise.all(model.weights.map((w) => toStored(w.originalName, w.read())));
  // An optimizer that has not stepped yet has no slots (Adam's getWeights even throws then).
  const optimizerState = model.optimizer.iterations > 0 ? await model.optimizer.getWeights() : [];
  const optimizer = await Promise.all(optimizerState.map((w) => toStored(w.name, w.tensor)));
  // The step count comes as a new scalar; the other entries are the optimizer's own variables.
  optimizerState.filter((w) => w.name === "iter").forEach((w) => w.tensor.dispose());
  return { jobId, epoch, history, weights, optimizer, ...(step === undefined ? {} : { step }) };
}

export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const entry = ({ name, shape, dtype }: StoredTensor): TensorEntry => ({ name, shape, dtype });
  const header: Header = {
    jobId: checkpoint.jobId,
    epoch: checkpoint.epoch,
    ...(checkpoint.step === undefined ? {} : { step: checkpoint.step }),
    history: checkpoint.history,
    weights: checkpoint.weights.map(entry),
    optimizer: checkpoint.optimizer.map(entry),
  };
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
    if (
      typeof header.jobId !== "string" ||
      !Number.isInteger(header.epoch) ||
      (header.step !== undefined && !Number.isInteger(header.step)) ||
      !Array.isArray(header.weights) ||
      !Array.isArray(header.optimizer)
    ) {
      throw new CheckpointError("the checkpoint's header is incomplete");
    }
    const read = (entry: TensorEntry): StoredTensor => ({ ...entry, values: file.next(size(entry.shape), entry.dtype) as Float32Array | Int32Array });
    const weights = header.weights.map(read);
    const optimizer = header.optimizer.map(read);
    return { jobId: header.jobId, epoch: header.epoch, ...(header.step === undefined ? {} : { step: header.step }), history: header.history ?? [], weights, optimizer };
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
  if (checkpoint.optimizer.length === 0) return;
  const state = checkpoint.optimizer.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape, s.dtype) }));
  await model.optimizer.setWeights(state);
  tf.dispose(state.map((s) => s.tensor));
  exactBiasCorrections(tf, model.optimizer);
}

/**
 * Adam keeps β₁ᵗ and β₂ᵗ as float32 products, one factor per step; its setWeights recomputes them
 * with pow, which rounds differently, so a resumed run drifted from an uninterrupted one in the
 * last bits. Verification replays segments from checkpoints and needs them bitwise equal, so the
 * products are rebuilt the way the steps build them (a float32 multiply is exact in Math.fround).
 */
function exactBiasCorrections(tf: typeof tfjs, optimizer: tfjs.Optimizer): void {
  const adam = optimizer as unknown as { accBeta1?: tfjs.Variable; accBeta2?: tfjs.Variable; beta1?: number; beta2?: number };
  const product = (beta: number) => {
    const factor = Math.fround(beta);
    let value = factor;
    for (let i = 0; i < optimizer.iterations; i++) value = Math.fround(value * factor);
    return value;
  };
  tf.tidy(() => {
    if (adam.accBeta1 && adam.beta1 !== undefined) adam.accBeta1.assign(tf.scalar(product(adam.beta1)));
    if (adam.accBeta2 && adam.beta2 !== undefined) adam.accBeta2.assign(tf.scalar(product(adam.beta2)));
  });
}
