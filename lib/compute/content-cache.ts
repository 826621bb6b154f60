import { sha256Hex } from "../data/hash";
import { fetchVerified } from "./artifacts-client";

/**
 * Where a node keeps artifacts it has fetched (datasets, checkpoints), by content hash: the disk
 * for the Node host, the Cache API in a browser. Entries are checked against their hash when
 * read, so a damaged one is dropped and fetched again, never trained on.
 */
export interface ContentStore {
  read(sha256: string): Promise<Uint8Array | undefined>;
  write(sha256: string, bytes: Uint8Array): Promise<void>;
  remove(sha256: string): Promise<void>;
}

export interface CachedFile {
  sha256: string;
  size: number;
  /** Last written or read. */
  usedAtMs: number;
}

/** The files to delete so the cache fits maxBytes: least recently used first, never the one kept. */
export function evictionPlan(files: CachedFile[], maxBytes: number, keep: string): string[] {
  let total = files.reduce((sum, f) => sum + f.size, 0);
  const evict: string[] = [];
  for (const file of [...files].sort((a, b) => a.usedAtMs - b.usedAtMs)) {
    if (total <= maxBytes) break;
    if (file.sha256 === keep) continue;
    evict.push(file.sha256);
    total -= file.size;
  }
  return evict;
}

/** Fetches by hash through the store: a verified copy there is used, otherwise the server's (verified, then kept). */
export async function fetchCached(store: ContentStore | undefined, url: string, sha256: string): Promise<{ bytes: Uint8Array; cached: boolean }> {
  const kept = await readKept(store, sha256);
  return kept ? { bytes: kept, cached: true } : { bytes: await download(store, url, sha256), cached: false };
}

/** The store's copy when it still has the hash; a damaged one is dropped. */
export async function readKept(store: ContentStore | undefined, sha256: string): Promise<Uint8Array | undefined> {
  const kept = await store?.read(sha256).catch(() => undefined);
  if (!kept) return undefined;
  if ((await sha256Hex(kept)) === sha256) return kept;
  await store?.remove(sha256).catch(() => undefined);
  return undefined;
}

/** The server's copy, verified, then kept in the store. */
export async function download(store: ContentStore | undefined, url: string, sha256: string): Promise<Uint8Array> {
  const bytes = await fetchVerified(url, sha256);
  // A full disk or a refused quota costs only the next download.
  await store?.write(sha256, bytes).catch(() => undefined);
  return bytes;
}

/** What a tab keeps at most unless told otherwise: room for a few datasets, not the volunteer's disk. */
export const BROWSER_CACHE_BYTES = 2 * 1024 ** 3;

/**
 * The browser's Cache API, one cache for the node's artifacts, kept under maxBytes by evicting
 * the least recently used (an index entry in the same cache records sizes and last use, since
 * the Cache API keeps neither).
 */
export function browserContentStore(name = "cyxwiz-artifacts", maxBytes = BROWSER_CACHE_BYTES): ContentStore {
  const key = (sha256: string) => `/cyxwiz-cache/${sha256}`;
  const INDEX = "/cyxwiz-cache/index.json";
  const open = () => caches.open(name);
  const readIndex = async (cache: Cache): Promise<Record<string, CachedFile>> => ((await (await cache.match(INDEX))?.json().catch(() => undefined)) as Record<string, CachedFile> | undefined) ?? {};
  const writeIndex = (cache: Cache, index: Record<string, CachedFile>) => cache.put(INDEX, new Response(JSON.stringify(index)));
  return {
    async read(sha256) {
      const cache = await open();
      const response = await cache.match(key(sha256));
      if (!response) return undefined;
      const bytes = new Uint8Array(await response.arrayBuffer());
      const index = await readIndex(cache);
      index[sha256] = { sha256, size: bytes.length, usedAtMs: Date.now() };
      await writeIndex(cache, index);
      return bytes;
    },
    async write(sha256, bytes) {
      const cache = await open();
      await cache.put(key(sha256), new Response(bytes.slice()));
      const index = await readIndex(cache);
      index[sha256] = { sha256, size: bytes.length, usedAtMs: Date.now() };
      for (const old of evictionPlan(Object.values(index), maxBytes, sha256)) {
        await cache.delete(key(old));
        delete index[old];
      }
      await writeIndex(cache, index);
    },
    async remove(sha256) {
      const cache = await open();
      await cache.delete(key(sha256));
      const index = await readIndex(cache);
      delete index[sha256];
      await writeIndex(cache, index);
    },
  };
}
