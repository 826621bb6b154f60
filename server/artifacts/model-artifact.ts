import { SHA256_HEX } from "../../lib/data/hash";
import type { ArtifactStore } from "./store";

const MAX_MODEL_JSON = 64 * 1024 * 1024;

interface WeightsGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: string }[];
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1 };

/**
 * Checks that a reported model really is on the artifact store: a tfjs layers-model model.json
 * whose weight files are artifacts beside it (named by their hashes) and exactly as large as the
 * weight specs say. Returns what is wrong, or undefined.
 */
export async function verifyModelArtifact(store: ArtifactStore, sha256: string): Promise<string | undefined> {
  const size = await store.size(sha256);
  if (size === undefined) return `artifact ${sha256} has not been uploaded`;
  if (size > MAX_MODEL_JSON) return "model.json is implausibly large";
  let json: { format?: string; modelTopology?: unknown; weightsManifest?: WeightsGroup[] };
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of store.open(sha256)) chunks.push(chunk as Buffer);
    json = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof json;
  } catch {
    return "model.json is not valid JSON";
  }
  if (json.format !== "layers-model" || !json.modelTopology) return 'model.json is not a tfjs "layers-model"';
  if (!Array.isArray(json.weightsManifest)) return "model.json has no weightsManifest";
  for (const group of json.weightsManifest) {
    const expected = group.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * (BYTES[w.dtype] ?? 4), 0);
    let actual = 0;
    for (const path of group.paths) {
      if (!SHA256_HEX.test(path)) return `weights path "${path}" is not an artifact hash`;
      const part = await store.size(path);
      if (part === undefined) return `weights artifact ${path} has not been uploaded`;
      actual += part;
    }
    if (actual !== expected) return `weights are ${actual} bytes but their specs need ${expected}`;
  }
  return undefined;
}
