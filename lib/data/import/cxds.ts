import { bytesPer, ContainerError, openContainer } from "../container";
import { CXDS_MAGIC, CXDS_VERSION, DatasetFormatError, decodeDataset, type Dataset, type DatasetSpec, type StoredDtype } from "../dataset-format";
import { FILE_WINDOW_BYTES, typedArrayOf, type DatasetFileLayout, type DatasetFileReader } from "../dataset-file";

const DTYPES: readonly StoredDtype[] = ["uint8", "int32", "float32"];

/**
 * Decodes a CXDS file that came from outside (an upload, a file the user picked) and checks that
 * its header describes a dataset CyxWiz can train on: decodeDataset trusts the header, so a
 * hand-made or damaged one could otherwise fail later, inside a job. The spec is rebuilt from the
 * known fields, dropping any others. Every problem is a DatasetFormatError with the reason.
 */
export function readDatasetFile(bytes: Uint8Array): Dataset {
  let dataset: Dataset;
  try {
    dataset = decodeDataset(bytes);
  } catch (error) {
    // A header that is not JSON, or lacks the fields the layout needs, surfaces as a plain error.
    if (error instanceof DatasetFormatError) throw error;
    throw new DatasetFormatError(`the CXDS header is malformed (${(error as Error).message})`);
  }
  const spec = checkedSpec(dataset.spec as unknown);
  if (holdsClassIndices(spec)) checkClassIndices(spec, dataset.targets);
  return { ...dataset, spec };
}

/**
 * readDatasetFile for a file too large to read whole: the same checks (header, length, class
 * indices), reading the head and then the targets a window at a time. The features are never
 * read here; splitDatasetFile reads them chunk by chunk.
 */
export async function openDatasetFile(file: DatasetFileReader): Promise<DatasetFileLayout> {
  const prefix = await file.read(0, Math.min(file.size, 12));
  const headerLength = prefix.length === 12 ? new DataView(prefix.buffer, prefix.byteOffset, 12).getUint32(8, true) : 0;
  const head = await file.read(0, Math.min(file.size, 12 + headerLength));
  let header: unknown;
  try {
    header = openContainer(head, CXDS_MAGIC, CXDS_VERSION).header;
  } catch (error) {
    // decodeDataset words the container's problems for people, and the head alone has the same ones.
    if (error instanceof ContainerError) decodeDataset(head);
    throw error;
  }
  const spec = checkedSpec(header);
  const featuresAt = align8(head.length);
  const targetsAt = align8(featuresAt + spec.count * elements(spec.features.shape) * bytesPer(spec.features.dtype));
  const targetBytes = bytesPer(spec.targets.dtype);
  const end = targetsAt + spec.count * elements(spec.targets.shape) * targetBytes;
  if (end > file.size) throw new DatasetFormatError("dataset file is truncated");
  // As decodeDataset: bytes the layout does not account for would be dropped unseen when the file is cut into chunks.
  if (file.size > end) throw new DatasetFormatError(`dataset file has ${file.size - end} bytes after the end of the dataset`);
  if (holdsClassIndices(spec)) {
    const perWindow = Math.floor(FILE_WINDOW_BYTES / targetBytes);
    for (let first = 0; first < spec.count; first += perWindow) {
      const count = Math.min(perWindow, spec.count - first);
      checkClassIndices(spec, typedArrayOf(await file.read(targetsAt + first * targetBytes, count * targetBytes), spec.targets.dtype), first);
    }
  }
  return { spec, featuresAt, targetsAt };
}

const align8 = (n: number) => (n + 7) & ~7;
const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function checkedSpec(raw: unknown): DatasetSpec {
  const spec = raw as Partial<Record<keyof DatasetSpec, unknown>>;
  const features = (spec.features ?? {}) as Record<string, unknown>;
  const targets = (spec.targets ?? {}) as Record<string, unknown>;
  check(typeof spec.name === "string", "name must be text");
  check(spec.description === undefined || typeof spec.description === "string", "description must be text");
  check(spec.task === "classification" || spec.task === "regression", 'task must be "classification" or "regression"');
  check(isCount(spec.count), "count must be a non-negative integer");
  check(isShape(features.shape) && features.shape.length > 0, "features.shape must be a list of positive integers");
  check(DTYPES.includes(features.dtype as StoredDtype), `features.dtype must be one of ${DTYPES.join(", ")}`);
  check(typeof features.scale === "number" && Number.isFinite(features.scale) && features.scale > 0, "features.scale must be a positive number");
  check(isShape(targets.shape), "targets.shape must be a list of positive integers");
  check(DTYPES.includes(targets.dtype as StoredDtype), `targets.dtype must be one of ${DTYPES.join(", ")}`);
  check(targets.classes === undefined || (isCount(targets.classes) && targets.classes > 0), "targets.classes must be a positive integer");
  const { classNames } = targets;
  if (classNames !== undefined) {
    check(Array.isArray(classNames) && classNames.every((n) => typeof n === "string"), "targets.classNames must be a list of text");
    check((classNames as string[]).length === targets.classes, "targets.classNames must name each of targets.classes classes");
  }
  return {
    name: spec.name as string,
    ...(spec.description !== undefined && { description: spec.description as string }),
    task: spec.task as DatasetSpec["task"],
    count: spec.count as number,
    features: { shape: features.shape as number[], dtype: features.dtype as StoredDtype, scale: features.scale as number },
    targets: {
      shape: targets.shape as number[],
      dtype: targets.dtype as StoredDtype,
      ...(targets.classes !== undefined && { classes: targets.classes as number }),
      ...(classNames !== undefined && { classNames: classNames as string[] }),
    },
  };
}

const holdsClassIndices = (spec: DatasetSpec) => spec.task === "classification" && spec.targets.classes !== undefined && spec.targets.shape.length === 0;

/** Training one-hot encodes class indices: one outside 0…classes-1 would be silently wrong. `first` numbers the targets' first sample. */
function checkClassIndices(spec: DatasetSpec, targets: Dataset["targets"], first = 0) {
  const classes = spec.targets.classes as number;
  const bad = targets.findIndex((t) => !Number.isInteger(t) || t < 0 || t >= classes);
  check(bad < 0, `sample ${first + bad} has target ${targets[bad]}, not a class index below ${classes}`);
}

function check(ok: boolean, reason: string): asserts ok {
  if (!ok) throw new DatasetFormatError(`invalid CXDS file: ${reason}`);
}

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
const isShape = (shape: unknown): shape is number[] => Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d > 0);
