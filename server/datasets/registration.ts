import { DatasetFormatError, type Dataset } from "../../lib/data/dataset-format";
import { readDatasetFile } from "../../lib/data/import/cxds";
import type { DatasetRecord } from "../../lib/data/dataset-record";
import type { DatasetCatalog } from "./catalog";

export const DATASET_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const MAX_DESCRIPTION = 1000;

export type Registration = { ok: true; record: DatasetRecord } | { ok: false; problem: "invalid_argument" | "already_exists"; field: "name" | "description" | "file"; message: string };

/**
 * Registers a CXDS file's bytes under a new name (REST upload and DatasetService alike): the
 * name is checked, the file parsed, and nothing is stored unless all is well.
 */
export async function registerDataset(catalog: DatasetCatalog, name: string, description: string | undefined, bytes: Uint8Array): Promise<Registration> {
  if (!DATASET_NAME.test(name)) {
    return { ok: false, problem: "invalid_argument", field: "name", message: 'name must be 1 to 64 of a-z, 0-9, ".", "_" and "-", starting with a letter or digit' };
  }
  if (description !== undefined && description.length > MAX_DESCRIPTION) {
    return { ok: false, problem: "invalid_argument", field: "description", message: `description must be at most ${MAX_DESCRIPTION} characters` };
  }
  const taken = { ok: false, problem: "already_exists", field: "name", message: `a dataset named "${name}" already exists` } as const;
  if (await catalog.resolve(name)) return taken;
  let dataset: Dataset;
  try {
    dataset = readDatasetFile(bytes);
  } catch (error) {
    if (error instanceof DatasetFormatError) return { ok: false, problem: "invalid_argument", field: "file", message: error.message };
    throw error;
  }
  // The name goes into the file's header too: a job checks its graph's Dataset node against the header.
  const spec = { ...dataset.spec, name, description: description ?? dataset.spec.description };
  const record = await catalog.add({ ...dataset, spec });
  return record ? { ok: true, record } : taken;
}
