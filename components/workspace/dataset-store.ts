"use client";

import { create } from "zustand";
import { fetchWholeDataset } from "../../lib/compute/artifacts-client";
import { encodeDataset, type Dataset } from "../../lib/data/dataset-format";
import type { DatasetRecord } from "../../lib/data/dataset-record";
import { parseCsv } from "../../lib/data/import/csv";
import { imagesToDataset } from "../../lib/data/import/images";
import { splitCounts } from "../../lib/data/import/summary";
import { jsonToTable, tableToDataset, type Table } from "../../lib/data/import/tabular";
import { pointAtDataset } from "../../lib/editor/commands";
import type { Api } from "../api/clients";
import type { DatasetCatalog } from "../api/use-datasets";
import { useEditor } from "../editor/editor-store";
import { writeLog } from "./console-store";
import { decodeImageFolder, type ImageImport } from "./decode-images";

export type Task = "auto" | "classification" | "regression";

export interface Loaded {
  dataset: Dataset;
  /** Column names of a tabular import (features then target). */
  columns?: string[];
  /** Where it came from: a server dataset is already there; a file can be uploaded. */
  origin: "server" | "file";
}

export interface Split {
  validation: number;
  test: number;
}

interface Shown {
  loaded?: Loaded;
  /** A table being imported: it becomes `loaded` once its target column and task make a dataset. */
  table?: { table: Table; file: string };
  target: string;
  task: Task;
  imageSize: ImageImport;
  /** The name to upload under (a server dataset's own name once opened). */
  name: string;
  split: Split;
  busy?: { label: string; progress: number };
  error?: string;
}

export interface DatasetState extends Shown {
  openServer(api: Api, record: DatasetRecord): Promise<void>;
  openTable(file: File): Promise<void>;
  /** A folder of images, one sub-folder per class, decoded at the chosen size. */
  openImages(files: File[]): Promise<void>;
  chooseTarget(target: string): void;
  chooseTask(task: Task): void;
  chooseImageSize(size: ImageImport): void;
  rename(name: string): void;
  chooseSplit(split: Split): void;
  upload(api: Api, catalog: DatasetCatalog): Promise<void>;
  /** Points the model's Dataset node at the loaded (server) dataset, with the split when it fits. */
  applyToModel(): void;
  /** Forgets everything, as a newly opened panel does. */
  reset(): void;
}

const NOTHING_YET: Shown = {
  loaded: undefined,
  table: undefined,
  target: "",
  task: "auto",
  imageSize: { height: 28, width: 28, channels: 1 },
  name: "",
  split: { validation: 0.1, test: 0.1 },
  busy: undefined,
  error: undefined,
};

/** A file or folder name as a dataset name the server accepts. */
const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/\.[a-z0-9]+$/, "")
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-._]+|-+$/g, "")
    .slice(0, 64) || "my-dataset";

/** The split's sample counts, or why its shares do not fit; nothing while no dataset is loaded. */
export function splitCountsOf({ loaded, split }: Pick<Shown, "loaded" | "split">): ReturnType<typeof splitCounts> | string | undefined {
  try {
    return loaded ? splitCounts(loaded.dataset.spec.count, split.validation, split.test) : undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Bringing data in for the Datasets panel: server datasets, CSV/JSON tables and image folders
 * (decoded by `decodeImages`, the browser's decoders in the app), then upload and use in the model.
 */
export function createDatasetStore(decodeImages: typeof decodeImageFolder) {
  return create<DatasetState>()((set, get) => {
    const fail = (message: string) => set({ error: message, busy: undefined });

    // A table becomes a dataset as soon as its target column and task are chosen; errors name the column and row.
    const makeDataset = () => {
      const { table, target, task, name } = get();
      if (!table || !target) return;
      try {
        const dataset = tableToDataset(table.table, { name: name || slug(table.file), target, task: task === "auto" ? undefined : task });
        set({ loaded: { dataset, origin: "file", columns: [...table.table.header.filter((h) => h !== target), target] }, error: undefined });
      } catch (e) {
        set({ loaded: undefined, error: (e as Error).message });
      }
    };

    return {
      ...NOTHING_YET,

      async openServer(api, record) {
        set({ error: undefined, table: undefined, busy: { label: `downloading ${record.name}…`, progress: 0 } });
        try {
          set({ loaded: { dataset: await fetchWholeDataset(api.serverUrl, record.sha256), origin: "server" }, name: record.name, busy: undefined });
        } catch (e) {
          fail(`${record.name} could not be read: ${(e as Error).message}`);
        }
      },

      async openTable(file) {
        set({ error: undefined, loaded: undefined });
        try {
          const text = await file.text();
          const table = /\.json$/i.test(file.name) ? jsonToTable(JSON.parse(text)) : parseCsv(text);
          set({ table: { table, file: file.name }, target: table.header.at(-1) ?? "", name: slug(file.name) });
          makeDataset();
        } catch (e) {
          fail(`${file.name} was not read: ${(e as Error).message}`);
        }
      },

      async openImages(files) {
        if (files.length === 0) return;
        const size = get().imageSize;
        set({ error: undefined, table: undefined, busy: { label: "decoding images…", progress: 0 } });
        try {
          const { images, skipped } = await decodeImages(files, size, (done, total) => set({ busy: { label: `decoding images… ${done}/${total}`, progress: done / total } }));
          const folder = slug((files[0]?.webkitRelativePath ?? "").split("/")[0] || "images");
          set({ loaded: { dataset: imagesToDataset(images, { name: folder, ...size }), origin: "file" }, name: folder, busy: undefined });
          if (skipped.length > 0)
            writeLog("editor", "warn", `skipped ${skipped.length} file(s) that are not images in a class folder: ${skipped.slice(0, 5).join(", ")}${skipped.length > 5 ? "…" : ""}`);
        } catch (e) {
          fail(`the images were not imported: ${(e as Error).message}`);
        }
      },

      chooseTarget(target) {
        set({ target });
        makeDataset();
      },

      chooseTask(task) {
        set({ task });
        makeDataset();
      },

      chooseImageSize: (imageSize) => set({ imageSize }),
      rename: (name) => set({ name }),
      chooseSplit: (split) => set({ split }),

      async upload(api, catalog) {
        const { loaded, name } = get();
        if (!loaded) return;
        set({ busy: { label: `uploading ${name}…`, progress: 0 } });
        try {
          await api.uploadDataset(name, encodeDataset(loaded.dataset));
          set({ busy: undefined, loaded: { ...loaded, origin: "server" } });
          catalog.reload();
          useEditor.getState().notify("info", `Uploaded “${name}” (${loaded.dataset.spec.count} samples): nodes can now train on it.`);
        } catch (e) {
          fail(`not uploaded: ${(e as Error).message}`);
        }
      },

      applyToModel() {
        const state = get();
        useEditor.getState().apply((d) => pointAtDataset(d, state.name, typeof splitCountsOf(state) === "object" ? state.split : undefined));
      },

      reset: () => set(NOTHING_YET),
    };
  });
}

export const useDatasetStore = createDatasetStore(decodeImageFolder);
