import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { SHA256_HEX } from "../../lib/data/hash";

export class ArtifactError extends Error {
  constructor(
    message: string,
    readonly reason: "hash_mismatch" | "too_large" | "invalid_hash",
  ) {
    super(message);
  }
}

export interface StoredArtifact {
  sha256: string;
  size: number;
}

/**
 * Content-addressed blobs on disk: <dir>/<first 2 hex>/<sha256>. A blob is written to a
 * temporary file while hashed, then renamed into place, so a reader never sees half a file and
 * the same content stored twice is stored once.
 */
export class ArtifactStore {
  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new ArtifactError(`"${sha256}" is not a SHA-256 hex digest`, "invalid_hash");
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== undefined;
  }

  async size(sha256: string): Promise<number | undefined> {
    if (!SHA256_HEX.test(sha256)) return undefined;
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch {
      return undefined;
    }
  }

  open(sha256: string): Readable {
    return createReadStream(this.pathOf(sha256));
  }

  /** The whole artifact in memory: for small ones (a manifest, a dataset chunk). */
  async read(sha256: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.pathOf(sha256)));
  }

  /** Stores a stream; when expectedSha256 is given, content that does not match is discarded. */
  async put(source: Readable | Uint8Array, expectedSha256?: string): Promise<StoredArtifact> {
    return this.receive(source instanceof Uint8Array ? Readable.from([source]) : source, this.maxBytes, async (temp, size, sha256) => {
      if (expectedSha256 !== undefined && expectedSha256 !== sha256) {
        throw new ArtifactError(`content hashes to ${sha256}, not the declared ${expectedSha256}`, "hash_mismatch");
      }
      const target = this.pathOf(sha256);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(temp, target);
      return { sha256, size };
    });
  }

  /**
   * Writes a stream to a temporary file under the store as it arrives, hashing it, and hands the
   * file to `use`; the file is removed afterwards, whatever happens. Past maxBytes it stops
   * reading (without destroying the source, so an HTTP request can still be answered) and
   * throws "too_large".
   */
  async receive<T>(source: Readable, maxBytes: number, use: (file: string, size: number, sha256: string) => Promise<T>): Promise<T> {
    await mkdir(path.join(this.dir, "tmp"), { recursive: true });
    const temp = path.join(this.dir, "tmp", randomUUID());
    const hash = createHash("sha256");
    let size = 0;
    try {
      await pipeline(async function* () {
        for await (const chunk of source.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>) {
          size += chunk.length;
          if (size > maxBytes) throw new ArtifactError(`artifact exceeds the ${maxBytes}-byte limit`, "too_large");
          hash.update(chunk);
          yield chunk;
        }
      }, createWriteStream(temp));
      return await use(temp, size, hash.digest("hex"));
    } finally {
      await rm(temp, { force: true });
    }
  }
}
