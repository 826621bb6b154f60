import { zipSync } from "fflate";
import { withWeightsPath } from "../../lib/train/export";
import type { ArtifactStore } from "./store";

async function readAll(store: ArtifactStore, sha256: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(sha256)) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * A trained model as a download: model.json plus weights.bin in a zip, loadable with
 * tf.loadLayersModel once unpacked (the weights path is rewritten from artifact hashes to the
 * file name beside it).
 */
export async function modelZip(store: ArtifactStore, modelJsonSha256: string): Promise<Uint8Array> {
  const modelJson = JSON.parse(new TextDecoder().decode(await readAll(store, modelJsonSha256))) as Record<string, unknown>;
  const groups = modelJson.weightsManifest as { paths: string[] }[];
  const parts = await Promise.all(groups.flatMap((g) => g.paths).map((p) => readAll(store, p)));
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, part) => (weights.set(part, at), at + part.length), 0);
  const json = new TextEncoder().encode(JSON.stringify(withWeightsPath(modelJson, "weights.bin"), null, 1));
  return zipSync({ "model.json": json, "weights.bin": weights }, { level: 6 });
}
