import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { evictionPlan, type CachedFile, type ContentStore } from "../lib/compute/content-cache";
import { SHA256_HEX } from "../lib/data/hash";

/**
 * The Node host's artifact cache: <dir>/<first two hex digits>/<sha256>, written through a
 * temporary file, and kept under maxBytes by evicting the least recently used files (a read
 * marks a file used).
 */
export function diskContentStore(dir: string, maxBytes = Number.POSITIVE_INFINITY): ContentStore {
  const file = (sha256: string) => {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 digest: ${sha256}`);
    return path.join(dir, sha256.slice(0, 2), sha256);
  };

  const cachedFiles = async (): Promise<CachedFile[]> => {
    const files: CachedFile[] = [];
    for (const prefix of await readdir(dir).catch(() => [] as string[])) {
      for (const name of await readdir(path.join(dir, prefix)).catch(() => [] as string[])) {
        if (!SHA256_HEX.test(name)) continue;
        const info = await stat(path.join(dir, prefix, name)).catch(() => undefined);
        if (info) files.push({ sha256: name, size: info.size, usedAtMs: info.mtimeMs });
      }
    }
    return files;
  };

  return {
    async read(sha256) {
      try {
        const bytes = new Uint8Array(await readFile(file(sha256)));
        const now = new Date();
        await utimes(file(sha256), now, now).catch(() => undefined);
        return bytes;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async write(sha256, bytes) {
      const target = file(sha256);
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, target);
      if (Number.isFinite(maxBytes)) {
        for (const old of evictionPlan(await cachedFiles(), maxBytes, sha256)) await rm(file(old), { force: true });
      }
    },
    async remove(sha256) {
      await rm(file(sha256), { force: true });
    },
  };
}
