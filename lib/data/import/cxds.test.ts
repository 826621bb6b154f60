import { describe, expect, it } from "vitest";
import { DatasetFormatError, encodeDataset, type Dataset, type DatasetSpec } from "../dataset-format";
import { labelledPairs } from "../test-fixtures";
import { openDatasetFile, readDatasetFile } from "./cxds";

const good: Dataset = labelledPairs();

/** A file whose header is the given JSON, laid out as encodeDataset lays out a real one. */
function withHeader(header: unknown, dataset: Dataset = good): Uint8Array {
  return encodeDataset({ ...dataset, spec: header as DatasetSpec });
}

const patched = (patch: Record<string, unknown>) => withHeader({ ...good.spec, ...patch });

/** Magic, version and header only: for headers encodeDataset itself could not lay out. */
function headerOnly(header: string): Uint8Array {
  const text = new TextEncoder().encode(header);
  const bytes = new Uint8Array(12 + text.length);
  bytes.set(new TextEncoder().encode("CXDS"));
  new DataView(bytes.buffer).setUint32(4, 1, true);
  new DataView(bytes.buffer).setUint32(8, text.length, true);
  bytes.set(text, 12);
  return bytes;
}

describe("readDatasetFile", () => {
  it("decodes a valid file with its spec and arrays", () => {
    const dataset = readDatasetFile(encodeDataset(good));
    expect(dataset.spec).toEqual(good.spec);
    expect([...dataset.targets]).toEqual([1, 0]);
  });

  it("drops header fields it does not know", () => {
    expect(readDatasetFile(patched({ secret: "x" })).spec).toEqual(good.spec);
  });

  it("refuses bytes that are not CXDS", () => {
    expect(() => readDatasetFile(new TextEncoder().encode("name,value\n1,2\n"))).toThrow("not a CXDS dataset file");
  });

  it("refuses a truncated file", () => {
    const bytes = encodeDataset(good);
    expect(() => readDatasetFile(bytes.subarray(0, bytes.length - 1))).toThrow("dataset file is truncated");
  });

  it("refuses a header that is not JSON as a DatasetFormatError", () => {
    expect(() => readDatasetFile(headerOnly("{not json"))).toThrow(DatasetFormatError);
  });

  it("refuses a header without the fields its layout needs, saying it is malformed", () => {
    const { features: _, ...header } = good.spec;
    expect(() => readDatasetFile(headerOnly(JSON.stringify(header)))).toThrow(/^the CXDS header is malformed/);
  });

  it("refuses an unknown task", () => {
    expect(() => readDatasetFile(patched({ task: "ranking" }))).toThrow('invalid CXDS file: task must be "classification" or "regression"');
  });

  it("refuses an unknown dtype", () => {
    const header = { ...good.spec, features: { ...good.spec.features, dtype: "float64" } };
    expect(() => readDatasetFile(withHeader(header))).toThrow("invalid CXDS file: features.dtype must be one of uint8, int32, float32");
  });

  it("refuses class names that do not match the class count", () => {
    const header = { ...good.spec, targets: { ...good.spec.targets, classNames: ["only"] } };
    expect(() => readDatasetFile(withHeader(header))).toThrow("invalid CXDS file: targets.classNames must name each of targets.classes classes");
  });

  it("refuses a class index outside the declared classes, naming the sample", () => {
    const bytes = encodeDataset({ ...good, targets: Int32Array.from([1, 2]) });
    expect(() => readDatasetFile(bytes)).toThrow("invalid CXDS file: sample 1 has target 2, not a class index below 2");
  });
});

describe("openDatasetFile", () => {
  const read = (bytes: Uint8Array) => openDatasetFile({ size: bytes.length, read: async (at, length) => bytes.slice(at, at + length) });
  const whole = encodeDataset(good);

  it("finds the spec and where each array starts", async () => {
    const layout = await read(whole);
    expect(layout.spec).toEqual(good.spec);
    expect(new Float32Array(whole.slice(layout.featuresAt, layout.featuresAt + 16).buffer)).toEqual(good.features);
    expect(new Int32Array(whole.slice(layout.targetsAt, layout.targetsAt + 8).buffer)).toEqual(good.targets);
  });

  it.each([
    ["bytes that are not CXDS", new TextEncoder().encode("name,value\n1,2\n")],
    ["a truncated file", whole.subarray(0, whole.length - 4)],
    ["a header cut short", whole.subarray(0, 20)],
    ["a header that is not JSON", headerOnly("{not json")],
    ["an unknown task", patched({ task: "ranking" })],
    ["a class index outside the declared classes", encodeDataset({ ...good, targets: Int32Array.from([1, 2]) })],
    ["bytes after the end of the dataset", Uint8Array.from([...whole, 0, 0, 0])],
  ])("refuses %s with readDatasetFile's reason", async (_what, bytes) => {
    const reason = (() => {
      try {
        readDatasetFile(bytes);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    await expect(read(bytes)).rejects.toThrow(new DatasetFormatError(reason));
  });
});
