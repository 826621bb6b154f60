import { describe, expect, it } from "vitest";
import { encodeDataset } from "./dataset-format";
import { splitDatasetFile, type DatasetFileReader } from "./dataset-file";
import { splitDataset } from "./dataset-manifest";
import { openDatasetFile } from "./import/cxds";
import { blobs } from "./test-fixtures";

/** A file held in memory, read as the server reads one on disk; it remembers the longest read. */
function fileOf(bytes: Uint8Array): DatasetFileReader & { longestRead: number } {
  const file = {
    size: bytes.length,
    longestRead: 0,
    read: async (at: number, length: number) => {
      file.longestRead = Math.max(file.longestRead, length);
      return bytes.slice(at, at + length);
    },
  };
  return file;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe("splitDatasetFile", () => {
  const dataset = blobs(3000);
  const bytes = encodeDataset(dataset);

  it("cuts a file into the very chunks splitDataset cuts from the decoded dataset", async () => {
    const file = fileOf(bytes);
    const chunks = await collect(splitDatasetFile(file, await openDatasetFile(file), 4096));
    expect(chunks.map(encodeDataset)).toEqual(splitDataset(dataset, 4096).map(encodeDataset));
  });

  it("reads the file a window at a time, never whole", async () => {
    const file = fileOf(bytes);
    const layout = await openDatasetFile(file);
    file.longestRead = 0;
    await collect(splitDatasetFile(file, layout, 4096, 1024));
    expect(file.longestRead).toBeLessThanOrEqual(1024);
  });
});
