import { bytesPer, type StoredDtype } from "./container";
import type { Dataset, DatasetSpec } from "./dataset-format";
import { chunkPlan } from "./dataset-manifest";

/**
 * A CXDS file too large to hold whole (an upload on the server's disk), read a range at a time.
 * `read` gives a fresh copy of exactly `length` bytes from `at`.
 */
export interface DatasetFileReader {
  size: number;
  read(at: number, length: number): Promise<Uint8Array>;
}

/** Where a CXDS file's arrays start, once its head is read and checked (lib/data/import/cxds.ts openDatasetFile). */
export interface DatasetFileLayout {
  spec: DatasetSpec;
  featuresAt: number;
  targetsAt: number;
}

/** Bytes read at once while cutting chunks: the memory it takes beside the chunk being built. */
export const FILE_WINDOW_BYTES = 4 * 1024 ** 2;

const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export function typedArrayOf(bytes: Uint8Array, dtype: StoredDtype): Dataset["features"] {
  if (dtype === "uint8") return bytes;
  const length = bytes.byteLength / 4;
  return dtype === "int32" ? new Int32Array(bytes.buffer, bytes.byteOffset, length) : new Float32Array(bytes.buffer, bytes.byteOffset, length);
}

/**
 * The chunks splitDataset would cut from the decoded file, cut from the file itself: one chunk
 * in memory at a time, each gathered by reading the file a window at a time.
 */
export async function* splitDatasetFile(file: DatasetFileReader, layout: DatasetFileLayout, chunkBytes: number, windowBytes = FILE_WINDOW_BYTES): AsyncGenerator<Dataset> {
  const { spec } = layout;
  const featureBytes = elements(spec.features.shape) * bytesPer(spec.features.dtype);
  const targetBytes = elements(spec.targets.shape) * bytesPer(spec.targets.dtype);
  for (const picked of chunkPlan(spec, chunkBytes)) {
    const features = await gather(file, layout.featuresAt, featureBytes, picked, windowBytes);
    const targets = await gather(file, layout.targetsAt, targetBytes, picked, windowBytes);
    yield { spec: { ...spec, count: picked.length }, features: typedArrayOf(features, spec.features.dtype), targets: typedArrayOf(targets, spec.targets.dtype) };
  }
}

/** The picked samples of the array at `at`, in picked order: windows are read in file order, skipping what no sample needs. */
async function gather(file: DatasetFileReader, at: number, sampleBytes: number, picked: Int32Array, windowBytes: number): Promise<Uint8Array> {
  const out = new Uint8Array(picked.length * sampleBytes);
  const byPosition = Array.from(picked.keys()).sort((a, b) => (picked[a] as number) - (picked[b] as number));
  const perWindow = Math.max(1, Math.floor(windowBytes / sampleBytes));
  for (let next = 0; next < byPosition.length; ) {
    const first = picked[byPosition[next] as number] as number;
    const last = Math.min(first + perWindow, (picked[byPosition[byPosition.length - 1] as number] as number) + 1);
    const window = await file.read(at + first * sampleBytes, (last - first) * sampleBytes);
    for (; next < byPosition.length && (picked[byPosition[next] as number] as number) < last; next++) {
      const slot = byPosition[next] as number;
      const offset = ((picked[slot] as number) - first) * sampleBytes;
      out.set(window.subarray(offset, offset + sampleBytes), slot * sampleBytes);
    }
  }
  return out;
}
