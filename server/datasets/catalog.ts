import { encodeDataset, type Dataset, type DatasetSpec } from "../../lib/data/dataset-format";
import { decodeManifest, DEFAULT_CHUNK_BYTES, encodeManifest, splitDataset, type ChunkRef, type DatasetManifest } from "../../lib/data/dataset-manifest";
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
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
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
  async add(dataset: Dataset): Promise<DatasetRecord | undefined> {
    const { sha256, size } = await this.store(dataset);
    const { spec } = dataset;
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO datasets (name, description, sha256, size_bytes, spec)
      VALUES (${spec.name}, ${spec.description ?? ""}, ${sha256}, ${size}, ${JSON.stringify(spec)}::jsonb)
      ON CONFLICT (name) DO NOTHING`;
    return inserted ? this.byName(spec.name) : undefined;
  }

  /**
   * Stores the dataset's file; a large one as chunks and a manifest naming them. What it returns
   * names the file a job fetches (the manifest for a chunked dataset), sized by all its bytes.
   */
  private async store(dataset: Dataset): Promise<StoredArtifact> {
    const whole = encodeDataset(dataset);
    if (whole.length <= this.chunkBytes) return this.keep(whole, CXDS_MEDIA_TYPE);
    const chunks: ChunkRef[] = [];
    for (const chunk of splitDataset(dataset, this.chunkBytes)) {
      const stored = await this.keep(encodeDataset(chunk), CXDS_MEDIA_TYPE);
      chunks.push({ sha256: stored.sha256, count: chunk.spec.count, sizeBytes: stored.size });
    }
    const manifest = await this.keep(encodeManifest({ spec: dataset.spec, chunks }), CXDM_MEDIA_TYPE);
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

function toRecord(row: { id: string; name: string; description: string; sha256: string; sizeBytes: bigint; spec: unknown; builtin: boolean }): DatasetRecord {
  return { ...row, sizeBytes: Number(row.sizeBytes), spec: row.spec as DatasetSpec };
}
