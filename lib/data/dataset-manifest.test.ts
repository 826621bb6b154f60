import { describe, expect, it } from "vitest";
import { DatasetFormatError, encodeDataset, type Dataset } from "./dataset-format";
import { decodeManifest, encodeManifest, isDatasetManifest, joinChunks, loadWholeDataset, residentSpec, splitDataset, streamWholeFile, type DatasetManifest } from "./dataset-manifest";
import { sha256Hex } from "./hash";
import { blobs } from "./test-fixtures";
import { concatenate } from "./typed-arrays";

/** Each sample as "features|target", sorted: the dataset as a multiset of samples. */
function samples(dataset: Dataset): string[] {
  const width = dataset.features.length / dataset.spec.count;
  return Array.from({ length: dataset.spec.count }, (_, i) => `${[...dataset.features.subarray(i * width, (i + 1) * width)].join(",")}|${dataset.targets[i]}`).sort();
}

async function chunked(dataset: Dataset, chunkBytes: number) {
  const chunks = splitDataset(dataset, chunkBytes).map(encodeDataset);
  const refs = await Promise.all(chunks.map(async (bytes, i) => ({ sha256: await sha256Hex(bytes), count: splitDataset(dataset, chunkBytes)[i]?.spec.count as number, sizeBytes: bytes.length })));
  const manifest: DatasetManifest = { spec: dataset.spec, chunks: refs };
  return { manifest, bytes: encodeManifest(manifest), chunkFiles: new Map(refs.map((r, i) => [r.sha256, chunks[i] as Uint8Array])) };
}

describe("chunked datasets", () => {
  it("cuts a dataset into chunks of at most the given size that hold every sample exactly once", () => {
    const dataset = blobs(250);
    const chunks = splitDataset(dataset, 225); // 9 bytes a sample: 25 samples a chunk
    expect(chunks).toHaveLength(10);
    for (const chunk of chunks) expect(chunk.features.byteLength + chunk.targets.byteLength).toBeLessThanOrEqual(225);
    expect(samples(joinChunks(dataset.spec, chunks))).toEqual(samples(dataset));
  });

  it("mixes samples across chunks, so a sorted file does not give chunks of one class", () => {
    const sorted = blobs(300);
    const order = Array.from({ length: 300 }, (_, i) => i).sort((a, b) => (sorted.targets[a] as number) - (sorted.targets[b] as number));
    const byClass: Dataset = {
      spec: sorted.spec,
      features: Float32Array.from(order.flatMap((i) => [sorted.features[2 * i] as number, sorted.features[2 * i + 1] as number])),
      targets: Uint8Array.from(order.map((i) => sorted.targets[i] as number)),
    };
    for (const chunk of splitDataset(byClass, 1200)) expect(new Set(chunk.targets).size).toBe(3);
  });

  it("cuts the same dataset into the same chunks every time", () => {
    const [a, b] = [splitDataset(blobs(100), 240), splitDataset(blobs(100), 240)];
    expect(a.map(encodeDataset)).toEqual(b.map(encodeDataset));
  });

  it("reads back the manifest it wrote, and tells manifests from dataset files", async () => {
    const dataset = blobs(90);
    const { manifest, bytes } = await chunked(dataset, 400);
    expect(isDatasetManifest(bytes)).toBe(true);
    expect(isDatasetManifest(encodeDataset(dataset))).toBe(false);
    expect(decodeManifest(bytes)).toEqual(manifest);
    expect(decodeManifest(bytes).spec).toEqual(dataset.spec);
  });

  it("refuses a manifest whose chunks do not add up to its count", async () => {
    const { manifest } = await chunked(blobs(90), 400);
    const bytes = encodeManifest({ ...manifest, spec: { ...manifest.spec, count: 91 } });
    expect(() => decodeManifest(bytes)).toThrow(DatasetFormatError);
    expect(() => decodeManifest(bytes)).toThrow(/hold 90 samples, its spec says 91/);
  });

  it("loads a chunked dataset whole by fetching each chunk", async () => {
    const dataset = blobs(120);
    const { bytes, chunkFiles } = await chunked(dataset, 500);
    const fetched: string[] = [];
    const whole = await loadWholeDataset(bytes, async (chunk) => (fetched.push(chunk.sha256), chunkFiles.get(chunk.sha256) as Uint8Array));
    expect(fetched).toHaveLength(chunkFiles.size);
    expect(whole.spec).toEqual(dataset.spec);
    expect(samples(whole)).toEqual(samples(dataset));
  });

  it("streams a chunked dataset as the very file its joined chunks would encode to", async () => {
    const dataset = blobs(130);
    const { manifest, chunkFiles } = await chunked(dataset, 500);
    const whole = streamWholeFile(manifest, async (chunk) => chunkFiles.get(chunk.sha256) as Uint8Array);
    const parts: Uint8Array[] = [];
    for await (const part of whole.parts()) parts.push(part);
    const bytes = concatenate(parts, (n) => new Uint8Array(n));
    const expected = encodeDataset(joinChunks(dataset.spec, splitDataset(dataset, 500)));
    expect(whole.size).toBe(expected.length);
    expect(bytes).toEqual(expected);
  });

  it("sizes memory checks by the two largest chunks, which is what a node holds at once", async () => {
    const { manifest } = await chunked(blobs(100), 360); // chunks of 40, 40, 20
    expect(residentSpec(manifest).count).toBe(80);
  });
});
