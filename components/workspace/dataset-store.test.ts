import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decodeDataset } from "../../lib/data/dataset-format";
import { labelFromPath } from "../../lib/data/import/images";
import { fromExecutionGraph } from "../../lib/editor/document";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { blobs } from "../../lib/data/test-fixtures";
import { createApi } from "../api/clients";
import { useEditor } from "../editor/editor-store";
import { useConsole } from "./console-store";
import { createDatasetStore, splitCountsOf } from "./dataset-store";
import type { decodeImageFolder } from "./decode-images";
import { startDatasetServer, type DatasetServer } from "./test-support";

// Node has no image decoders: these "images" are files of raw grey pixels at the chosen size.
const rawPixels: typeof decodeImageFolder = async (files, _size, onProgress) => {
  const pictures = files.filter((f) => f.name.endsWith(".raw"));
  const images = await Promise.all(pictures.map(async (f) => ({ label: labelFromPath(f.webkitRelativePath), pixels: new Uint8Array(await f.arrayBuffer()) })));
  onProgress(pictures.length, pictures.length);
  return { images, skipped: files.filter((f) => !pictures.includes(f)).map((f) => f.name) };
};

/** A file as picked from a folder, with its path inside it. */
function picked(path: string, content: BlobPart): File {
  const file = new File([content], path.split("/").at(-1) as string);
  Object.defineProperty(file, "webkitRelativePath", { value: path });
  return file;
}

const csv = (rows: string[]) => new File([`x1,x2,label\n${rows.join("\n")}\n`], "My Points.csv", { type: "text/csv" });
const points = csv(Array.from({ length: 20 }, (_, i) => `${i % 2},${i / 10},${i % 2 ? "yes" : "no"}`));
const catalog = () => ({
  reloads: 0,
  reload() {
    this.reloads++;
  },
});

let server: DatasetServer;
let store: ReturnType<typeof createDatasetStore>;

beforeAll(async () => {
  server = await startDatasetServer();
});
afterAll(() => server.close());
beforeEach(() => {
  store = createDatasetStore(rawPixels);
});

describe("opening data", () => {
  it("downloads a server dataset, checked against its hash, under its own name", async () => {
    const record = server.add({ ...blobs(30), spec: { ...blobs(30).spec, name: "blobs" } });
    await store.getState().openServer(createApi(server.url), record);
    expect(store.getState()).toMatchObject({ name: "blobs", busy: undefined, error: undefined, loaded: { origin: "server", dataset: { spec: { count: 30 } } } });
  });

  it("reports a server dataset that cannot be read, naming it", async () => {
    const record = server.add({ ...blobs(30), spec: { ...blobs(30).spec, name: "damaged" } });
    server.corrupt(record.sha256);
    await store.getState().openServer(createApi(server.url), record);
    expect(store.getState().error).toMatch(/^damaged could not be read: dataset hash mismatch/);
    expect(store.getState().busy).toBeUndefined();
  });

  it("makes a CSV a dataset at once, its last column the target, named after the file", async () => {
    await store.getState().openTable(points);
    const { loaded, target, name } = store.getState();
    expect({ target, name }).toEqual({ target: "label", name: "my-points" });
    expect(loaded?.columns).toEqual(["x1", "x2", "label"]);
    expect(loaded?.dataset.spec).toMatchObject({ name: "my-points", task: "classification", count: 20, targets: { classNames: ["no", "yes"] } });
  });

  it("reads a JSON table like a CSV", async () => {
    await store.getState().openTable(
      new File(
        [
          JSON.stringify([
            { a: 1, b: 0 },
            { a: 2, b: 1 },
          ]),
        ],
        "pairs.json",
      ),
    );
    expect(store.getState().loaded?.columns).toEqual(["a", "b"]);
  });

  it("refuses a text value in a feature column, naming the column and row", async () => {
    await store.getState().openTable(csv(["1,2,no", "3,oops,yes"]));
    expect(store.getState().loaded).toBeUndefined();
    expect(store.getState().error).toBe('column "x2" is a feature and must be numeric, but row 2 has "oops"');
  });

  it("reports a file that is not a table, naming it", async () => {
    await store.getState().openTable(new File(["{ not json"], "broken.json"));
    expect(store.getState().error).toMatch(/^broken\.json was not read: /);
  });

  it("remakes the dataset for another target column, refusing one that leaves text among the features", async () => {
    await store.getState().openTable(points);
    store.getState().chooseTarget("x2");
    expect(store.getState().loaded).toBeUndefined();
    expect(store.getState().error).toMatch(/^column "label" is a feature and must be numeric/);
  });

  it("remakes the dataset for the task chosen", async () => {
    await store.getState().openTable(new File(["a,b\n1,0\n2,1\n3,1\n"], "numbers.csv"));
    store.getState().chooseTask("regression");
    expect(store.getState().loaded?.dataset.spec.task).toBe("regression");
    store.getState().chooseTask("classification");
    expect(store.getState().loaded?.dataset.spec.task).toBe("classification");
  });

  it("makes an image folder a dataset labelled by sub-folder, named after the folder, and logs the skipped files", async () => {
    store.getState().chooseImageSize({ height: 2, width: 2, channels: 1 });
    const grey = (v: number) => new Uint8Array([v, v, v, v]);
    await store.getState().openImages([picked("Shapes/circle/a.raw", grey(10)), picked("Shapes/square/b.raw", grey(200)), picked("Shapes/notes.txt", "hi")]);
    const { loaded, name, busy } = store.getState();
    expect({ name, busy }).toEqual({ name: "shapes", busy: undefined });
    expect(loaded?.dataset.spec).toMatchObject({ name: "shapes", count: 2, features: { shape: [2, 2, 1] }, targets: { classNames: ["circle", "square"] } });
    expect(useConsole.getState().entries.at(-1)).toMatchObject({ level: "warn", text: "skipped 1 file(s) that are not images in a class folder: notes.txt" });
  });
});

describe("the split", () => {
  it("counts the samples of each part", async () => {
    await store.getState().openTable(points);
    expect(splitCountsOf(store.getState())).toEqual({ train: 16, validation: 2, test: 2 });
  });

  it("says why shares that leave nothing to train on do not fit", async () => {
    await store.getState().openTable(points);
    store.getState().chooseSplit({ validation: 0.5, test: 0.5 });
    expect(splitCountsOf(store.getState())).toBe("validation + test must be below 1 to leave samples to train on, not 1");
  });
});

describe("upload and use", () => {
  it("uploads the CXDS file under the chosen name; the dataset is then on the server and the catalog reloads", async () => {
    const datasets = catalog();
    await store.getState().openTable(points);
    store.getState().rename("uploaded-points");
    await store.getState().upload(createApi(server.url), datasets);
    expect(decodeDataset(server.uploads.get("uploaded-points") as Uint8Array).spec.count).toBe(20);
    expect(store.getState().loaded?.origin).toBe("server");
    expect(datasets.reloads).toBe(1);
    expect(useEditor.getState().notice?.message).toBe("Uploaded “uploaded-points” (20 samples): nodes can now train on it.");
  });

  it("shows the server's reason when it refuses the upload", async () => {
    await store.getState().openTable(points);
    store.getState().rename("taken");
    server.add({ ...blobs(3), spec: { ...blobs(3).spec, name: "taken" } });
    await store.getState().upload(createApi(server.url), catalog());
    expect(store.getState()).toMatchObject({ error: 'not uploaded: a dataset named "taken" already exists', busy: undefined, loaded: { origin: "file" } });
  });

  it("points the model at the dataset through a Dataset node", async () => {
    useEditor.getState().load(fromExecutionGraph(mlpDigits.graph));
    const record = server.add({ ...blobs(30), spec: { ...blobs(30).spec, name: "for-the-model" } });
    await store.getState().openServer(createApi(server.url), record);
    store.getState().applyToModel();
    const nodes = useEditor.getState().history.present.nodes;
    expect(nodes.find((n) => n.type === "Dataset")?.params).toMatchObject({ name: "for-the-model" });
  });

  it("forgets everything on reset", async () => {
    await store.getState().openTable(points);
    store.getState().reset();
    expect(store.getState()).toMatchObject({ loaded: undefined, table: undefined, name: "", target: "", error: undefined });
  });
});
