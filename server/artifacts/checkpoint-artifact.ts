import { CheckpointError, decodeCheckpoint } from "../../lib/train/checkpoint";
import type { ArtifactStore } from "./store";

/**
 * Checks that a reported checkpoint is on the artifact store, readable, and of this job and
 * epoch: a checkpoint of another job must never be resumed from. Returns what is wrong, or undefined.
 */
export async function verifyCheckpointArtifact(store: ArtifactStore, sha256: string, jobId: string, epoch: number): Promise<string | undefined> {
  if ((await store.size(sha256)) === undefined) return `artifact ${sha256} has not been uploaded`;
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(sha256)) chunks.push(chunk as Buffer);
  try {
    const checkpoint = decodeCheckpoint(new Uint8Array(Buffer.concat(chunks)));
    if (checkpoint.jobId !== jobId) return `it belongs to job ${checkpoint.jobId}, not ${jobId}`;
    if (checkpoint.epoch !== epoch) return `it holds epoch ${checkpoint.epoch}, not ${epoch}`;
    return undefined;
  } catch (error) {
    if (error instanceof CheckpointError) return error.message;
    throw error;
  }
}
