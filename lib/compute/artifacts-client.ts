import type { Dataset } from "../data/dataset-format";
import { decodeManifest, isDatasetManifest, loadWholeDataset, type ChunkRef, type DatasetManifest } from "../data/dataset-manifest";
import { sha256Hex } from "../data/hash";

export class IntegrityError extends Error {}

/** The server refused the session token (HTTP 401): it expired; registering again renews it. */
export class SessionRefused extends Error {}

/** The server could not be reached or failed (5xx): worth trying again later. */
export class ServerUnavailable extends Error {}

async function send(url: string, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new ServerUnavailable(`${init?.method ?? "GET"} ${url}: ${(error as Error).message}`);
  }
  if (response.status >= 500) throw new ServerUnavailable(`${init?.method ?? "GET"} ${url}: HTTP ${response.status}`);
  return response;
}

/** Fetches an artifact and proves its bytes are the ones the hash names. */
export async function fetchVerified(url: string, expectedSha256: string, onProgress?: (loaded: number, total: number) => void): Promise<Uint8Array> {
  const response = await send(url);
  if (!response.ok || !response.body) throw new Error(`GET ${url} failed: HTTP ${response.status}`);
  const total = Number(response.headers.get("content-length") ?? 0);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.(loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
  const actual = await sha256Hex(bytes);
  if (actual !== expectedSha256) throw new IntegrityError(`dataset hash mismatch: expected ${expectedSha256}, got ${actual}`);
  return bytes;
}

const artifactUrl = (serverUrl: string, sha256: string) => new URL(`/artifacts/${sha256}`, serverUrl).toString();

/** A registered dataset as one Dataset, whether the server stores it whole or chunked (every chunk verified). */
export async function fetchWholeDataset(serverUrl: string, sha256: string): Promise<Dataset> {
  return loadWholeDataset(await fetchVerified(artifactUrl(serverUrl, sha256), sha256), (chunk) => fetchVerified(artifactUrl(serverUrl, chunk.sha256), chunk.sha256));
}

/**
 * What training streams a chunked dataset with: chunk `index`, fetched by `fetchOne` (which
 * verifies it), a corrupted one named by its place in the dataset.
 */
export function chunkFetcher(manifest: DatasetManifest, fetchOne: (chunk: ChunkRef, index: number) => Promise<Uint8Array>): (index: number) => Promise<Uint8Array> {
  return async (index) => {
    const chunk = manifest.chunks[index];
    if (!chunk) throw new Error(`the dataset has no chunk ${index + 1}`);
    try {
      return await fetchOne(chunk, index);
    } catch (error) {
      if (error instanceof IntegrityError) throw new IntegrityError(`dataset chunk ${index + 1} of ${manifest.chunks.length} is corrupted: ${error.message}`);
      throw error;
    }
  };
}

/** For a dataset file straight from the server: its chunk fetcher, or undefined for a dataset stored whole. */
export function serverChunkFetcher(serverUrl: string, datasetFile: Uint8Array): ((index: number) => Promise<Uint8Array>) | undefined {
  if (!isDatasetManifest(datasetFile)) return undefined;
  return chunkFetcher(decodeManifest(datasetFile), (chunk) => fetchVerified(artifactUrl(serverUrl, chunk.sha256), chunk.sha256));
}

/** Uploads bytes to the artifact store, declaring their hash so the server can refuse a corrupted transfer. */
export async function uploadArtifact(url: string, bytes: Uint8Array, token: string, contentType: string): Promise<{ sha256: string; uri: string }> {
  const sha256 = await sha256Hex(bytes);
  const response = await send(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": contentType, "x-content-sha256": sha256 },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  if (response.status === 401) throw new SessionRefused(`artifact upload refused: ${await response.text()}`);
  if (!response.ok) throw new Error(`artifact upload failed: HTTP ${response.status} ${await response.text()}`);
  const stored = (await response.json()) as { sha256: string; uri: string };
  if (stored.sha256 !== sha256) throw new IntegrityError(`server stored ${stored.sha256}, expected ${sha256}`);
  return stored;
}
