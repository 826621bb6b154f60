import { zipModel } from "../../lib/train/model-zip";
import type { ArtifactStore } from "./store";

async function readAll(store: ArtifactStore, sha256: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(sha256)) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** The zip download of a stored model: model.json and its weight artifacts joined into weights.bin. */
export async function modelZip(store: ArtifactStore, modelJsonSha256: string): Promise<Uint8Array> {
  const modelJson = JSON.parse(new TextDecoder().decode(await readAll(store, modelJsonSha256))) as Record<string, unknown>;
  const groups = modelJson.weightsManifest as { paths: string[] }[];
  const parts = await Promise.all(groups.flatMap((g) => g.paths).map((p) => readAll(store, p)));
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, part) => (weights.set(part, at), at + part.length), 0);
  return zipModel(modelJson, weights);
}
