import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IntegrityError } from "../lib/compute/artifacts-client";
import { fetchCached } from "../lib/compute/content-cache";
import { sha256Hex } from "../lib/data/hash";
import { diskContentStore } from "./disk-store";

describe("datasets kept on the node's disk", () => {
  const bytes = new TextEncoder().encode("a dataset's bytes");
  let sha256: string;
  let dir: string;
  let server: Server;
  let url: string;
  let served: Uint8Array;
  let requests = 0;

  beforeAll(async () => {
    sha256 = await sha256Hex(bytes);
    dir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-cache-"));
    served = bytes;
    server = createServer((_req, res) => {
      requests++;
      res.end(served);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/artifact`;
  });
  afterAll(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("are downloaded once, then read from the disk", async () => {
    const store = diskContentStore(path.join(dir, "once"));
    const before = requests;
    expect(await fetchCached(store, url, sha256)).toEqual({ bytes, cached: false });
    expect(await fetchCached(store, url, sha256)).toEqual({ bytes, cached: true });
    expect(requests - before).toBe(1);
  });

  it("are fetched again when the kept copy is damaged, never used", async () => {
    const root = path.join(dir, "damaged");
    const store = diskContentStore(root);
    await fetchCached(store, url, sha256);
    await writeFile(path.join(root, sha256.slice(0, 2), sha256), "bit rot");
    expect(await fetchCached(store, url, sha256)).toEqual({ bytes, cached: false });
    expect(await fetchCached(store, url, sha256)).toEqual({ bytes, cached: true });
  });

  it("keep nothing when the download does not match its hash", async () => {
    const root = path.join(dir, "mismatch");
    served = new TextEncoder().encode("something else");
    try {
      await expect(fetchCached(diskContentStore(root), url, sha256)).rejects.toThrow(IntegrityError);
      await expect(readdir(root)).rejects.toThrow(/ENOENT/);
    } finally {
      served = bytes;
    }
  });
});

describe("the disk cache's size limit", () => {
  it("keeps a cache over its limit no larger than the limit on disk", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "cyxwiz-cache-cap-"));
    try {
      const store = diskContentStore(dir, 25);
      const put = async (text: string) => {
        const data = new TextEncoder().encode(text);
        const sha = await sha256Hex(data);
        await store.write(sha, data);
        return sha;
      };
      const first = await put("0123456789");
      await new Promise((r) => setTimeout(r, 20));
      const second = await put("abcdefghij");
      await new Promise((r) => setTimeout(r, 20));
      await store.read(first);
      await new Promise((r) => setTimeout(r, 20));
      const third = await put("ABCDEFGHIJ");
      expect(await store.read(second)).toBeUndefined();
      expect(await store.read(first)).toBeDefined();
      expect(await store.read(third)).toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
