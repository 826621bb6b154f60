import { open, readFile, type FileHandle } from "node:fs/promises";
import { DatasetFormatError, type DatasetSpec } from "../../lib/data/dataset-format";
import { splitDatasetFile, type DatasetFileReader } from "../../lib/data/dataset-file";
import { openDatasetFile, readDatasetFile } from "../../lib/data/import/cxds";
import type { DatasetRecord } from "../../lib/data/dataset-record";
import { encodedSize, type DatasetCatalog } from "./catalog";

export const DATASET_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const MAX_DESCRIPTION = 1000;

export interface NewDataset {
  name: string;
  description?: string;
  /** The signed-in uploader; null for an anonymous upload, which no one may delete. */
  ownerId: string | null;
}

export type Registration = { ok: true; record: DatasetRecord } | { ok: false; problem: "invalid_argument" | "already_exists"; field: "name" | "description" | "file"; message: string };

/**
 * Registers a CXDS file on disk under a new name (REST upload and DatasetService alike): the
 * name is checked, the file parsed, and nothing is stored unless all is well. A file that will
 * be stored whole (at most the catalog's chunk size) is read into memory; a larger one is
 * checked and cut into chunks reading it a window at a time, so it is never in memory whole.
 */
export async function registerDatasetFile(catalog: DatasetCatalog, request: NewDataset, path: string): Promise<Registration> {
  const { name, description } = request;
  if (!DATASET_NAME.test(name)) {
    return { ok: false, problem: "invalid_argument", field: "name", message: 'name must be 1 to 64 of a-z, 0-9, ".", "_" and "-", starting with a letter or digit' };
  }
  if (description !== undefined && description.length > MAX_DESCRIPTION) {
    return { ok: false, problem: "invalid_argument", field: "description", message: `description must be at most ${MAX_DESCRIPTION} characters` };
  }
  const taken = { ok: false, problem: "already_exists", field: "name", message: `a dataset named "${name}" already exists` } as const;
  if (await catalog.resolve(name)) return taken;
  const handle = await open(path);
  try {
    const file = reader(handle, (await handle.stat()).size);
    const layout = await openDatasetFile(file);
    // The name goes into the file's header too: a job checks its graph's Dataset node against the header.
    const spec: DatasetSpec = { ...layout.spec, name, description: description ?? layout.spec.description };
    const record =
      encodedSize(spec) <= catalog.chunkBytes
        ? await catalog.add({ ...readDatasetFile(await readFile(path)), spec }, request.ownerId)
        : await catalog.addChunks(spec, splitDatasetFile(file, { ...layout, spec }, catalog.chunkBytes), request.ownerId);
    return record ? { ok: true, record } : taken;
  } catch (error) {
    if (error instanceof DatasetFormatError) return { ok: false, problem: "invalid_argument", field: "file", message: error.message };
    throw error;
  } finally {
    await handle.close();
  }
}

function reader(handle: FileHandle, size: number): DatasetFileReader {
  return {
    size,
    async read(at, length) {
      const bytes = new Uint8Array(length);
      const { bytesRead } = await handle.read(bytes, 0, length, at);
      if (bytesRead !== length) throw new DatasetFormatError("dataset file is truncated");
      return bytes;
    },
  };
}
