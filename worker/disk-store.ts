import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ContentStore } from "../lib/compute/content-cache";
import { SHA256_HEX } from "../lib/data/hash";

/** The Node host's artifact cache: <dir>/<first two hex digits>/<sha256>, written through a temporary file. */
export function diskContentStore(dir: string): ContentStore {
  const file = (sha256: string) => {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 digest: ${sha256}`);
    return path.join(dir, sha256.slice(0, 2), sha256);
  };
  return {
    async read(sha256) {
      try {
        return new Uint8Array(await readFile(file(sha256)));
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
    },
    async remove(sha256) {
      await rm(file(sha256), { force: true });
    },
  };
}
