/**
 * The CXDS container: one file per dataset split, fetched by content hash and decoded with no
 * copies. Layout: "CXDS", u32 format version, u32 header length, UTF-8 JSON header, zero padding
 * to 8 bytes, then the feature and target arrays back to back (little-endian, each 8-aligned).
 */
export type StoredDtype = "uint8" | "int32" | "float32";

export interface DatasetSpec {
  name: string;
  description?: string;
  task: "classification" | "regression";
  count: number;
  features: {
    /** One sample's shape, e.g. [28, 28, 1]. */
    shape: number[];
    dtype: StoredDtype;
    /** Multiply stored values by this to get model inputs (1/255 for bytes of pixels). */
    scale: number;
  };
  targets: {
    /** One target's shape: [] for a class index or a scalar. */
    shape: number[];
    dtype: StoredDtype;
    classes?: number;
    classNames?: string[];
  };
}

export interface Dataset {
  spec: DatasetSpec;
  features: Uint8Array | Int32Array | Float32Array;
  targets: Uint8Array | Int32Array | Float32Array;
}

const MAGIC = "CXDS";
const FORMAT_VERSION = 1;

export class DatasetFormatError extends Error {}

function bytesPer(dtype: StoredDtype): number {
  return dtype === "uint8" ? 1 : 4;
}

function elements(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const align8 = (n: number) => (n + 7) & ~7;

export function encodeDataset(dataset: Dataset): Uint8Array {
  const { spec } = dataset;
  checkLength("features", dataset.features, spec.count * elements(spec.features.shape));
  checkLength("targets", dataset.targets, spec.count * elements(spec.targets.shape));
  const header = new TextEncoder().encode(JSON.stringify(spec));
  const featuresAt = align8(12 + header.length);
  const targetsAt = align8(featuresAt + dataset.features.byteLength);
  const out = new Uint8Array(targetsAt + dataset.targets.byteLength);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  out.set(asBytes(dataset.features), featuresAt);
  out.set(asBytes(dataset.targets), targetsAt);
  return out;
}

export function decodeDataset(bytes: Uint8Array): Dataset {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new DatasetFormatError("not a CXDS dataset file");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) throw new DatasetFormatError(`unsupported CXDS version ${version}`);
  const headerLength = view.getUint32(8, true);
  const spec = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as DatasetSpec;
  const featureCount = spec.count * elements(spec.features.shape);
  const targetCount = spec.count * elements(spec.targets.shape);
  const featuresAt = align8(12 + headerLength);
  const targetsAt = align8(featuresAt + featureCount * bytesPer(spec.features.dtype));
  if (targetsAt + targetCount * bytesPer(spec.targets.dtype) > bytes.length) {
    throw new DatasetFormatError("dataset file is truncated");
  }
  // Typed views need aligned offsets: copy once if the caller's buffer is not 8-aligned.
  const base = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  return {
    spec,
    features: view_(base, featuresAt, featureCount, spec.features.dtype),
    targets: view_(base, targetsAt, targetCount, spec.targets.dtype),
  };
}

function view_(bytes: Uint8Array, at: number, count: number, dtype: StoredDtype) {
  const offset = bytes.byteOffset + at;
  if (dtype === "uint8") return new Uint8Array(bytes.buffer, offset, count);
  if (dtype === "int32") return new Int32Array(bytes.buffer, offset, count);
  return new Float32Array(bytes.buffer, offset, count);
}

function asBytes(array: Uint8Array | Int32Array | Float32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function checkLength(what: string, array: { length: number }, expected: number) {
  if (array.length !== expected) throw new DatasetFormatError(`${what} has ${array.length} values, expected ${expected}`);
}
