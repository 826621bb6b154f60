import { bytesPer, ContainerError, containerLayout, encodeContainer, openContainer } from "./container";
import { CXDS_MAGIC, CXDS_VERSION, DatasetFormatError, decodeDataset, type Dataset, type DatasetSpec } from "./dataset-format";
import { seededRandom, shuffledIndices } from "./random";
import { concatenate } from "./typed-arrays";

/**
 * A dataset too large to fetch or hold whole is stored as chunks: ordinary CXDS files of a few
 * megabytes, each with its own hash, and a manifest ("CXDM", the shared container layout with
 * only a header) that lists them. The manifest is what a dataset's hash names; a node fetches
 * it, then the chunks one at a time as training reaches them, verifying each.
 */
export interface ChunkRef {
  sha256: string;
  /** Samples in the chunk. */
  count: number;
  sizeBytes: number;
}

export interface DatasetManifest {
  /** The whole dataset's spec (count is the sum of the chunks'). */
  spec: DatasetSpec;
  chunks: ChunkRef[];
}

const MAGIC = "CXDM";
const FORMAT_VERSION = 1;

/** Chunk sizes aim at this unless the server is told otherwise: small enough that two fit beside any model. */
export const DEFAULT_CHUNK_BYTES = 32 * 1024 ** 2;

export const isDatasetManifest = (bytes: Uint8Array) => bytes.length >= 4 && new TextDecoder().decode(bytes.subarray(0, 4)) === MAGIC;

export function encodeManifest(manifest: DatasetManifest): Uint8Array {
  return encodeContainer(MAGIC, FORMAT_VERSION, manifest, []);
}

export function decodeManifest(bytes: Uint8Array): DatasetManifest {
  try {
    const manifest = openContainer(bytes, MAGIC, FORMAT_VERSION).header as DatasetManifest;
    const total = manifest.chunks.reduce((sum, c) => sum + c.count, 0);
    if (total !== manifest.spec.count) throw new DatasetFormatError(`the manifest's chunks hold ${total} samples, its spec says ${manifest.spec.count}`);
    return manifest;
  } catch (error) {
    if (error instanceof ContainerError) throw new DatasetFormatError(`not a readable CXDM dataset manifest (${error.message})`);
    throw error;
  }
}

/**
 * The part of a chunked dataset a node holds at once while training: the chunk it trains on and
 * the one it fetches ahead. Memory checks size this, not the whole.
 */
export function residentSpec(manifest: DatasetManifest): DatasetSpec {
  const largest = [...manifest.chunks].sort((a, b) => b.count - a.count);
  return { ...manifest.spec, count: (largest[0]?.count ?? 0) + (largest[1]?.count ?? 0) };
}

const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Cuts a dataset into chunks of at most about `chunkBytes` each. Samples are shuffled first (with
 * a fixed seed, so the same dataset always gives the same chunks): a node trains chunk by chunk,
 * and each chunk must be a fair sample of the whole, not, say, all the zeros of a sorted file.
 */
export function splitDataset(dataset: Dataset, chunkBytes: number): Dataset[] {
  const { spec } = dataset;
  const featureSize = elements(spec.features.shape);
  const targetSize = elements(spec.targets.shape);
  const chunks: Dataset[] = [];
  for (const picked of chunkPlan(spec, chunkBytes)) {
    const features = new (dataset.features.constructor as Float32ArrayConstructor)(picked.length * featureSize);
    const targets = new (dataset.targets.constructor as Float32ArrayConstructor)(picked.length * targetSize);
    picked.forEach((sample, i) => {
      features.set(dataset.features.subarray(sample * featureSize, (sample + 1) * featureSize), i * featureSize);
      targets.set(dataset.targets.subarray(sample * targetSize, (sample + 1) * targetSize), i * targetSize);
    });
    chunks.push({ spec: { ...spec, count: picked.length }, features, targets } as Dataset);
  }
  return chunks;
}

/** The samples each chunk holds, in the order it holds them (splitDataset's, and the server's for a file it cuts on disk). */
export function chunkPlan(spec: DatasetSpec, chunkBytes: number): Int32Array[] {
  const sampleBytes = elements(spec.features.shape) * bytesPer(spec.features.dtype) + elements(spec.targets.shape) * bytesPer(spec.targets.dtype);
  const perChunk = Math.max(1, Math.floor(chunkBytes / sampleBytes));
  const order = shuffledIndices(spec.count, seededRandom(0x5eed));
  const plan: Int32Array[] = [];
  for (let start = 0; start < spec.count; start += perChunk) plan.push(order.subarray(start, start + perChunk));
  return plan;
}

/** The chunks back as one dataset, for consumers that want it whole (the Engine's preview, the CLI). */
export function joinChunks(spec: DatasetSpec, chunks: Dataset[]): Dataset {
  const join = (parts: Dataset["features"][]) => concatenate(parts, (n) => new (parts[0]?.constructor as Float32ArrayConstructor)(n));
  return { spec, features: join(chunks.map((c) => c.features)), targets: join(chunks.map((c) => c.targets)) };
}

/**
 * A dataset file as one Dataset: a CXDS file decoded, or a manifest's chunks fetched (each
 * verified by `fetchChunk`) and joined.
 */
export async function loadWholeDataset(bytes: Uint8Array, fetchChunk: (chunk: ChunkRef) => Promise<Uint8Array>): Promise<Dataset> {
  if (!isDatasetManifest(bytes)) return decodeDataset(bytes);
  const { spec, chunks } = decodeManifest(bytes);
  return joinChunks(spec, await Promise.all(chunks.map(async (c) => decodeDataset(await fetchChunk(c)))));
}

/**
 * A chunked dataset as one CXDS file, byte for byte what encoding the joined chunks would give,
 * produced chunk by chunk so that a large dataset never sits whole in memory: the header, every
 * chunk's features, then every chunk's targets (each chunk is read twice).
 */
export function streamWholeFile(manifest: DatasetManifest, readChunk: (chunk: ChunkRef) => Promise<Uint8Array>): { size: number; parts: () => AsyncGenerator<Uint8Array> } {
  const { spec } = manifest;
  const featureBytes = spec.count * elements(spec.features.shape) * bytesPer(spec.features.dtype);
  const targetBytes = spec.count * elements(spec.targets.shape) * bytesPer(spec.targets.dtype);
  const { head, offsets, size } = containerLayout(CXDS_MAGIC, CXDS_VERSION, spec, [featureBytes, targetBytes]);
  const asBytes = (a: Dataset["features"]) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return {
    size,
    async *parts() {
      yield head;
      yield new Uint8Array((offsets[0] as number) - head.length);
      for (const chunk of manifest.chunks) yield asBytes(decodeDataset(await readChunk(chunk)).features).slice();
      yield new Uint8Array((offsets[1] as number) - (offsets[0] as number) - featureBytes);
      for (const chunk of manifest.chunks) yield asBytes(decodeDataset(await readChunk(chunk)).targets).slice();
    },
  };
}
