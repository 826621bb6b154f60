import { bytesPer, containerLayout } from "../../lib/data/container";
import { CXDS_MAGIC, CXDS_VERSION, encodeDataset, type Dataset, type DatasetSpec } from "../../lib/data/dataset-format";
import { decodeManifest, DEFAULT_CHUNK_BYTES, encodeManifest, splitDataset, type ChunkRef, type DatasetManifest } from "../../lib/data/dataset-manifest";
import { UNFINISHED_STATUSES, statusIn } from "../jobs/job-status";
import type { DatasetRecord } from "../../lib/data/dataset-record";
import type { ArtifactStore, StoredArtifact } from "../artifacts/store";
import type { Prisma } from "../db/database";
import { buildBuiltinDatasets } from "../../lib/data/builtin";

export const CXDS_MEDIA_TYPE = "application/vnd.cyxwiz.dataset";
export const CXDM_MEDIA_TYPE = "application/vnd.cyxwiz.dataset-manifest";

/** Registered datasets: metadata in the database, bytes in the artifact store. */
export class DatasetCatalog {
  constructor(
    private readonly prisma: Prisma,
    private readonly artifacts: ArtifactStore,
    /** Datasets whose file is larger are stored as chunks of about this size (see lib/data/dataset-manifest.ts). */
    readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {}

  /** Stores the datasets that ship with the project (idempotent; instances may race). */
  async ensureBuiltins(): Promise<DatasetRecord[]> {
    return Promise.all((await buildBuiltinDatasets()).map((d) => this.register(d, true)));
  }

  async register(dataset: Dataset, builtin = false): Promise<DatasetRecord> {
    const { sha256, size } = await this.store(dataset);
    const { spec } = dataset;
    await this.prisma.$executeRaw`
      INSERT INTO datasets (name, description, sha256, size_bytes, spec, builtin)
      VALUES (${spec.name}, ${spec.description ?? ""}, ${sha256}, ${size}, ${JSON.stringify(spec)}::jsonb, ${builtin})
      ON CONFLICT (name) DO UPDATE SET sha256 = EXCLUDED.sha256, size_bytes = EXCLUDED.size_bytes,
        spec = EXCLUDED.spec, description = EXCLUDED.description`;
    return (await this.byName(spec.name)) as DatasetRecord;
  }

  /** Adds a dataset under a name nobody has taken; undefined, replacing nothing, when the name is taken. */
  async add(dataset: Dataset, ownerId: string | null): Promise<DatasetRecord | undefined> {
    return this.insert(dataset.spec, await this.store(dataset), ownerId);
  }

  /** add for a dataset larger than chunkBytes that arrives as its chunks (cut from a file on disk, lib/data/dataset-file.ts). */
  async addChunks(spec: DatasetSpec, chunks: AsyncIterable<Dataset>, ownerId: string | null): Promise<DatasetRecord | undefined> {
    return this.insert(spec, await this.storeChunks(spec, chunks), ownerId);
  }

  private async insert(spec: DatasetSpec, { sha256, size }: StoredArtifact, ownerId: string | null): Promise<DatasetRecord | undefined> {
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO datasets (name, description, sha256, size_bytes, spec, owner_id)
      VALUES (${spec.name}, ${spec.description ?? ""}, ${sha256}, ${size}, ${JSON.stringify(spec)}::jsonb, ${ownerId}::uuid)
      ON CONFLICT (name) DO NOTHING`;
    return inserted ? this.byName(spec.name) : undefined;
  }

  /**
   * Removes the dataset from the catalog if this owner may: theirs, not built in, used by no
   * unfinished job — all decided in the one statement that deletes, so no caller can skip a
   * rule or race a new job past it. What it found tells a refusal's reason (datasets/deletion.ts).
   * The files stay in the artifact store: content-addressed, they may be another dataset's or a job's too.
   */
  async delete(name: string, ownerId: string): Promise<DeletionFacts> {
    const [facts] = await this.prisma.$queryRaw<DeletionFacts[]>`
      WITH deleted AS (
        DELETE FROM datasets d
        WHERE d.name = ${name} AND d.owner_id = ${ownerId}::uuid AND NOT d.builtin
          AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.dataset_id = d.id AND ${statusIn(UNFINISHED_STATUSES, "j")})
        RETURNING d.id)
      SELECT true AS found, EXISTS (SELECT 1 FROM deleted) AS deleted, d.builtin, d.owner_id::text AS "ownerId",
        (SELECT count(*)::int FROM jobs j WHERE j.dataset_id = d.id AND ${statusIn(UNFINISHED_STATUSES, "j")}) AS "unfinishedJobs"
      FROM datasets d WHERE d.name = ${name}`;
    return facts ?? { found: false, deleted: false, builtin: false, ownerId: null, unfinishedJobs: 0 };
  }

  /**
   * Stores the dataset's file; a large one as chunks and a manifest naming them. What it returns
   * names the file a job fetches (the manifest for a chunked dataset), sized by all its bytes.
   */
  private async store(dataset: Dataset): Promise<StoredArtifact> {
    if (encodedSize(dataset.spec) <= this.chunkBytes) return this.keep(encodeDataset(dataset), CXDS_MEDIA_TYPE);
    return this.storeChunks(dataset.spec, splitDataset(dataset, this.chunkBytes));
  }

  private async storeChunks(spec: DatasetSpec, parts: Iterable<Dataset> | AsyncIterable<Dataset>): Promise<StoredArtifact> {
    const chunks: ChunkRef[] = [];
    for await (const chunk of parts) {
      const stored = await this.keep(encodeDataset(chunk), CXDS_MEDIA_TYPE);
      chunks.push({ sha256: stored.sha256, count: chunk.spec.count, sizeBytes: stored.size });
    }
    const manifest = await this.keep(encodeManifest({ spec, chunks }), CXDM_MEDIA_TYPE);
    return { sha256: manifest.sha256, size: chunks.reduce((n, c) => n + c.sizeBytes, manifest.size) };
  }

  private async keep(bytes: Uint8Array, mediaType: string): Promise<StoredArtifact> {
    const stored = await this.artifacts.put(bytes);
    await this.prisma.$executeRaw`
      INSERT INTO artifacts (sha256, size_bytes, media_type) VALUES (${stored.sha256}, ${stored.size}, ${mediaType})
      ON CONFLICT (sha256) DO NOTHING`;
    return stored;
  }

  /** The manifest of a dataset stored as chunks; undefined for one stored whole. */
  async manifestOf(record: DatasetRecord): Promise<DatasetManifest | undefined> {
    const artifact = await this.prisma.artifact.findUnique({ where: { sha256: record.sha256 }, select: { mediaType: true } });
    return artifact?.mediaType === CXDM_MEDIA_TYPE ? decodeManifest(await this.artifacts.read(record.sha256)) : undefined;
  }

  async list(): Promise<DatasetRecord[]> {
    return (await this.prisma.dataset.findMany({ orderBy: { name: "asc" } })).map(toRecord);
  }

  /** "dataset:<name>", "sha256:<hex>" or a bare name. */
  async resolve(uri: string): Promise<DatasetRecord | undefined> {
    if (uri.startsWith("sha256:")) {
      const row = await this.prisma.dataset.findFirst({ where: { sha256: uri.slice("sha256:".length).toLowerCase() } });
      return row ? toRecord(row) : undefined;
    }
    return this.byName(uri.startsWith("dataset:") ? uri.slice("dataset:".length) : uri);
  }

  private async byName(name: string): Promise<DatasetRecord | undefined> {
    const row = await this.prisma.dataset.findUnique({ where: { name } });
    return row ? toRecord(row) : undefined;
  }
}

/** What DatasetCatalog.delete found under the name, after its statement ran. */
export interface DeletionFacts {
  found: boolean;
  deleted: boolean;
  builtin: boolean;
  ownerId: string | null;
  unfinishedJobs: number;
}

const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The size of the dataset's CXDS file, without encoding it. */
export function encodedSize(spec: DatasetSpec): number {
  const arrays = [elements(spec.features.shape) * bytesPer(spec.features.dtype), elements(spec.targets.shape) * bytesPer(spec.targets.dtype)];
  return containerLayout(
    CXDS_MAGIC,
    CXDS_VERSION,
    spec,
    arrays.map((n) => n * spec.count),
  ).size;
}

// The owner stays out of the record: the catalog is public, and who uploaded what is no one else's business.
function toRecord({
  ownerId: _owner,
  ...row
}: {
  id: string;
  name: string;
  description: string;
  sha256: string;
  sizeBytes: bigint;
  spec: unknown;
  builtin: boolean;
  ownerId: string | null;
}): DatasetRecord {
  return { ...row, sizeBytes: Number(row.sizeBytes), spec: row.spec as DatasetSpec };
}
