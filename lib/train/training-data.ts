import type * as tfjs from "@tensorflow/tfjs";
import type { Dataset, DatasetSpec } from "../data/dataset-format";
import { decodeDataset } from "../data/dataset-format";
import { decodeManifest, isDatasetManifest, type ChunkRef } from "../data/dataset-manifest";
import { seededRandom, shuffledIndices } from "../data/random";
import type { FittedTransform } from "../graph/component";
import type { DataPipeline } from "../graph/analyze";
import type { LossName } from "../graph/layers/output";
import { fitSteps, gatherPart, planPipeline, prepareData, splitOrder, type DataPart } from "./data-pipeline";
import type { Hyperparameters } from "../job/hyperparameters";
import { datasetTensors } from "./tensors";

/** A dataset held as chunks: a node loads (fetches, verifies, decodes) one when training reaches it. */
export interface ChunkedDataset {
  spec: DatasetSpec;
  chunks: ChunkRef[];
  load(index: number): Promise<Dataset>;
}

/**
 * A job's dataset file as training takes it: a CXDS file decoded whole, or a manifest whose
 * chunks are fetched (by `fetchChunk`, which verifies them) as training reaches them.
 */
export function openDataset(bytes: Uint8Array, fetchChunk?: (index: number) => Promise<Uint8Array>): Dataset | ChunkedDataset {
  if (!isDatasetManifest(bytes)) return decodeDataset(bytes);
  if (!fetchChunk) throw new Error("the dataset is chunked and this executor was given no way to fetch its chunks");
  const { spec, chunks } = decodeManifest(bytes);
  return { spec, chunks, load: async (index) => decodeDataset(await fetchChunk(index)) };
}

export interface Batch {
  x: tfjs.Tensor;
  y: tfjs.Tensor;
  size: number;
}

export type HeldOutPart = "validation" | "test";

/**
 * The data a training loop consumes, whether held whole in memory or streamed chunk by chunk:
 * seeded training batches, and held-out parts piece by piece.
 */
export interface TrainingData {
  readonly counts: Record<"train" | HeldOutPart, number>;
  readonly batchesPerEpoch: number;
  /**
   * An epoch's training batches in the order its seed gives, augmented, starting at batch `from`
   * (a resumed or replayed segment): the earlier ones are neither gathered nor loaded. The caller
   * disposes each batch.
   */
  batches(epoch: number, from?: number): AsyncGenerator<Batch>;
  /** A held-out part in pieces (one when held whole); a piece is freed when the next is asked for. */
  pieces(part: HeldOutPart): AsyncGenerator<DataPart>;
  dispose(): void;
}

/** A distinct, reproducible seed for each batch's augmentation. */
const batchSeed = (seed: number, epoch: number, batch: number) => (seed * 1_000_003 + epoch * 7919 + batch) >>> 0;

/** Batches of `part` in the order `perm` gives (indices into the part); `first` numbers them for augmentation seeds. */
function* batchesOf(tf: typeof tfjs, part: DataPart, perm: Int32Array, hp: Hyperparameters, epoch: number, first: number, augment?: (x: tfjs.Tensor, seed: number) => tfjs.Tensor): Generator<Batch> {
  for (let start = 0, b = first; start < perm.length; start += hp.batchSize, b++) {
    const idx = tf.tensor1d(perm.subarray(start, start + hp.batchSize), "int32");
    const gathered = tf.gather(part.x, idx);
    const x = augment ? augment(gathered, batchSeed(hp.seed, epoch, b)) : gathered;
    const y = tf.gather(part.y, idx);
    const size = idx.shape[0] as number;
    tf.dispose(x === gathered ? [idx] : [idx, gathered]);
    yield { x, y, size };
  }
}

/** The whole dataset in memory, split and preprocessed once. */
export function wholeData(tf: typeof tfjs, dataset: Dataset, loss: LossName, pipeline: DataPipeline | undefined, hp: Hyperparameters): TrainingData {
  const prepared = prepareData(tf, dataset, loss, pipeline, hp);
  const { train } = prepared;
  return {
    counts: { train: train.count, validation: prepared.validation.count, test: prepared.test.count },
    batchesPerEpoch: Math.ceil(train.count / hp.batchSize),
    async *batches(epoch, from = 0) {
      const perm = shuffledIndices(train.count, seededRandom(hp.seed + epoch));
      yield* batchesOf(tf, train, perm.subarray(Math.min(perm.length, from * hp.batchSize)), hp, epoch, from, prepared.augment);
    },
    async *pieces(part) {
      if (prepared[part].count > 0) yield prepared[part];
    },
    dispose: () => prepared.dispose(),
  };
}

/**
 * A chunked dataset streamed through training: only the chunk being trained on and the next one
 * (fetched ahead, so its download and hash check overlap this chunk's batches) are in memory.
 * Each epoch visits the chunks in a seeded order and shuffles within each. Every chunk is split
 * into training, validation and test samples by the same fractions, with a seed of its own.
 * Steps that learn statistics (normalisation) fit on the first chunk's training samples: chunks
 * are cut after a shuffle, so that is a fair sample of the whole.
 */
export async function chunkedData(tf: typeof tfjs, source: ChunkedDataset, loss: LossName, pipeline: DataPipeline | undefined, hp: Hyperparameters): Promise<TrainingData> {
  const plan = planPipeline(tf, source.spec, pipeline, hp);
  const splits = source.chunks.map((chunk, i) => splitOrder(chunk.count, plan.fractions, hp.seed + i));
  const piece = (dataset: Dataset, indices: Int32Array, fitted?: FittedTransform): DataPart => {
    const all = datasetTensors(tf, { ...dataset, spec: { ...plan.spec, count: dataset.spec.count } }, loss);
    const part = gatherPart(tf, all, indices);
    tf.dispose([all.x, all.y]);
    if (!fitted) return part;
    const x = fitted.apply(part.x);
    part.x.dispose();
    return { ...part, x };
  };
  let fitted: FittedTransform | undefined;
  if (plan.fitting.length > 0 && source.chunks.length > 0) {
    const sample = piece(await source.load(0), splits[0]?.train ?? new Int32Array());
    fitted = fitSteps(tf, plan, sample.x);
    tf.dispose([sample.x, sample.y]);
  }
  async function* inOrder(order: ArrayLike<number>): AsyncGenerator<[number, Dataset]> {
    const load = (k: number) => {
      const loading = source.load(order[k] as number);
      // Marked handled: a failed prefetch is rethrown where it is awaited, or dropped if training stopped first.
      loading.catch(() => undefined);
      return loading;
    };
    let next = order.length > 0 ? load(0) : undefined;
    for (let k = 0; k < order.length && next; k++) {
      const current = await next;
      next = k + 1 < order.length ? load(k + 1) : undefined;
      yield [order[k] as number, current];
    }
  }
  const sum = (pick: (s: (typeof splits)[number]) => Int32Array) => splits.reduce((n, s) => n + pick(s).length, 0);
  return {
    counts: { train: sum((s) => s.train), validation: sum((s) => s.validation), test: sum((s) => s.test) },
    batchesPerEpoch: splits.reduce((n, s) => n + Math.ceil(s.train.length / hp.batchSize), 0),
    async *batches(epoch, from = 0) {
      const order = shuffledIndices(source.chunks.length, seededRandom(hp.seed + epoch));
      // Each chunk's first batch number in this epoch; chunks wholly before `from` are never loaded.
      const firsts = new Map<number, number>();
      let first = 0;
      for (const i of order) {
        firsts.set(i, first);
        first += Math.ceil((splits[i]?.train.length ?? 0) / hp.batchSize);
      }
      const needed = Array.from(order).filter((i) => (firsts.get(i) as number) + Math.ceil((splits[i]?.train.length ?? 0) / hp.batchSize) > from);
      for await (const [i, dataset] of inOrder(needed)) {
        const part = piece(dataset, splits[i]?.train as Int32Array, fitted);
        try {
          const start = firsts.get(i) as number;
          const skip = Math.max(0, from - start);
          const perm = shuffledIndices(part.count, seededRandom(hp.seed + epoch * 7919 + i));
          yield* batchesOf(tf, part, perm.subarray(skip * hp.batchSize), hp, epoch, start + skip, plan.augment);
        } finally {
          tf.dispose([part.x, part.y]);
        }
      }
    },
    async *pieces(which) {
      const holding = source.chunks.map((_, i) => i).filter((i) => (splits[i]?.[which].length ?? 0) > 0);
      for await (const [i, dataset] of inOrder(holding)) {
        const part = piece(dataset, splits[i]?.[which] as Int32Array, fitted);
        try {
          yield part;
        } finally {
          tf.dispose([part.x, part.y]);
        }
      }
    },
    dispose: () => fitted?.dispose(),
  };
}
