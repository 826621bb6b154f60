import { ContainerError, encodeContainer, openContainer, type ContainerProblem, type StoredDtype } from "./container";

export type { StoredDtype } from "./container";

/**
 * The CXDS file: one per dataset split, fetched by content hash and decoded with no copies. In
 * the shared container layout (./container.ts): the spec as header, then the feature and target
 * arrays.
 */

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
  /**
   * A next-character language-modelling dataset: each sample is `contextLength` character ids,
   * its target the id of the character that follows; targets' classNames are the characters.
   * Models trained on it can complete text (the inference API's completions and chat).
   */
  text?: { contextLength: number };
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

export const CXDS_MAGIC = "CXDS";
export const CXDS_VERSION = 1;

export class DatasetFormatError extends Error {}

function elements(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function encodeDataset(dataset: Dataset): Uint8Array {
  const { spec } = dataset;
  checkLength("features", dataset.features, spec.count * elements(spec.features.shape));
  checkLength("targets", dataset.targets, spec.count * elements(spec.targets.shape));
  return encodeContainer(CXDS_MAGIC, CXDS_VERSION, spec, [dataset.features, dataset.targets]);
}

export function decodeDataset(bytes: Uint8Array): Dataset {
  try {
    const file = openContainer(bytes, CXDS_MAGIC, CXDS_VERSION);
    const spec = file.header as DatasetSpec;
    const features = file.next(spec.count * elements(spec.features.shape), spec.features.dtype);
    const targets = file.next(spec.count * elements(spec.targets.shape), spec.targets.dtype);
    // Bytes the arrays do not account for would be dropped unseen when the dataset is re-encoded.
    const trailing = file.trailing();
    if (trailing > 0) throw new DatasetFormatError(`dataset file has ${trailing} bytes after the end of the dataset`);
    return { spec, features, targets };
  } catch (error) {
    if (!(error instanceof ContainerError)) throw error;
    const messages: Record<ContainerProblem, string> = {
      foreign: "not a CXDS dataset file",
      version: `unsupported CXDS version ${error.version}`,
      header: `the CXDS header is malformed (${error.message})`,
      truncated: "dataset file is truncated",
    };
    throw new DatasetFormatError(messages[error.problem]);
  }
}

function checkLength(what: string, array: { length: number }, expected: number) {
  if (array.length !== expected) throw new DatasetFormatError(`${what} has ${array.length} values, expected ${expected}`);
}
