import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeDataset } from "../../lib/data/dataset-format";
import { splitDataset } from "../../lib/data/dataset-manifest";
import { sha256Hex } from "../../lib/data/hash";
import { blobs } from "../../lib/data/test-fixtures";
import { createTestContext, type TestContext } from "../../tests/helpers/context";
import { DATABASE_KINDS } from "../../tests/helpers/databases";
import { DatasetCatalog } from "./catalog";
import { registerDatasetFile } from "./registration";

describe.each(DATABASE_KINDS)("registerDatasetFile on %s", (kind) => {
  let t: TestContext;
  let catalog: DatasetCatalog;
  beforeAll(async () => {
    t = await createTestContext(kind);
    catalog = new DatasetCatalog(t.ctx.db.prisma, t.ctx.artifacts, 4096);
  });
  afterAll(async () => {
    await t.close();
  });

  it("stores a file above the chunk size as the very chunks the catalog cuts from the dataset in memory", async () => {
    const dataset = blobs(3000);
    const file = path.join(t.ctx.config.dataDir, "blobs.cxds");
    await writeFile(file, encodeDataset(dataset));
    const result = await registerDatasetFile(catalog, { name: "big-blobs", ownerId: null }, file);
    if (!result.ok) throw new Error(result.message);
    const manifest = await catalog.manifestOf(result.record);
    const expected = splitDataset({ ...dataset, spec: { ...dataset.spec, name: "big-blobs" } }, 4096).map((chunk) => sha256Hex(encodeDataset(chunk)));
    expect(manifest?.chunks.map((c) => c.sha256)).toEqual(await Promise.all(expected));
  });
});
