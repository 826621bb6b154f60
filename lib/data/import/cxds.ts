import { DatasetFormatError, decodeDataset, type Dataset, type DatasetSpec, type StoredDtype } from "../dataset-format";

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
  checkClassIndices(spec, dataset.targets);
  return { ...dataset, spec };
}

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

/** Training one-hot encodes class indices: one outside 0…classes-1 would be silently wrong. */
function checkClassIndices(spec: DatasetSpec, targets: Dataset["targets"]) {
  const { classes, shape } = spec.targets;
  if (spec.task !== "classification" || classes === undefined || shape.length > 0) return;
  const bad = targets.findIndex((t) => !Number.isInteger(t) || t < 0 || t >= classes);
  check(bad < 0, `sample ${bad} has target ${targets[bad]}, not a class index below ${classes}`);
}

function check(ok: boolean, reason: string): asserts ok {
  if (!ok) throw new DatasetFormatError(`invalid CXDS file: ${reason}`);
}

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
const isShape = (shape: unknown): shape is number[] => Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d > 0);
