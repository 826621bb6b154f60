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

/** Fetches by hash through the store: a verified copy there is used, otherwise the server's (verified, then kept). */
export async function fetchCached(store: ContentStore | undefined, url: string, sha256: string): Promise<{ bytes: Uint8Array; cached: boolean }> {
  const kept = await store?.read(sha256).catch(() => undefined);
  if (kept) {
    if ((await sha256Hex(kept)) === sha256) return { bytes: kept, cached: true };
    await store?.remove(sha256).catch(() => undefined);
  }
  const bytes = await fetchVerified(url, sha256);
  // A full disk or a refused quota costs only the next download.
  await store?.write(sha256, bytes).catch(() => undefined);
  return { bytes, cached: false };
}

/** The browser's Cache API, one cache for the node's artifacts. */
export function browserContentStore(name = "cyxwiz-artifacts"): ContentStore {
  const key = (sha256: string) => `/cyxwiz-cache/${sha256}`;
  return {
    async read(sha256) {
      const response = await (await caches.open(name)).match(key(sha256));
      return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
    },
    async write(sha256, bytes) {
      await (await caches.open(name)).put(key(sha256), new Response(bytes.slice()));
    },
    async remove(sha256) {
      await (await caches.open(name)).delete(key(sha256));
    },
  };
}
