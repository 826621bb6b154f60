import { describe, expect, it } from "vitest";
import { decodeDataset, DatasetFormatError, encodeDataset, type Dataset } from "./dataset-format";
import { sha256Hex } from "./hash";

const sample: Dataset = {
  spec: {
    name: "xor",
    task: "classification",
    count: 4,
    features: { shape: [2], dtype: "float32", scale: 1 },
    targets: { shape: [], dtype: "uint8", classes: 2 },
  },
  features: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]),
  targets: Uint8Array.from([0, 1, 1, 0]),
};

describe("CXDS dataset format", () => {
  it("round-trips spec, features and targets", () => {
    const decoded = decodeDataset(encodeDataset(sample));
    expect(decoded.spec).toEqual(sample.spec);
    expect([...decoded.features]).toEqual([...sample.features]);
    expect([...decoded.targets]).toEqual([...sample.targets]);
  });

  it("decodes from a buffer that is not 8-byte aligned", () => {
    const bytes = encodeDataset(sample);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect([...decodeDataset(shifted.subarray(3)).features]).toEqual([...sample.features]);
  });

  it("encodes identically every time, so the content hash is stable", async () => {
    expect(await sha256Hex(encodeDataset(sample))).toBe(await sha256Hex(encodeDataset(sample)));
  });

  it("rejects a file that is not CXDS", () => {
    expect(() => decodeDataset(new TextEncoder().encode("PK\u0003\u0004 a zip file"))).toThrow(DatasetFormatError);
  });

  it("rejects a truncated file", () => {
    const bytes = encodeDataset(sample);
    expect(() => decodeDataset(bytes.subarray(0, bytes.length - 2))).toThrow(/truncated/);
  });

  it("rejects bytes after the end of the dataset, saying how many", () => {
    const bytes = encodeDataset(sample);
    const tailed = new Uint8Array(bytes.length + 5);
    tailed.set(bytes);
    expect(() => decodeDataset(tailed)).toThrow(new DatasetFormatError("dataset file has 5 bytes after the end of the dataset"));
  });

  it("refuses to encode arrays whose length disagrees with the spec", () => {
    expect(() => encodeDataset({ ...sample, targets: Uint8Array.from([0, 1]) })).toThrow(/targets/);
  });
});

describe("sha256Hex", () => {
  it("matches the known digest of 'abc'", async () => {
    expect(await sha256Hex(new TextEncoder().encode("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
