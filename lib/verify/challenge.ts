import { fromHex } from "./commitment";

/**
 * Picks the segments to replay. The randomness is HMAC-SHA256(server secret, final commitment):
 * fixed from the moment the node commits its last state, so the server cannot fish for a
 * convenient draw either, and unknowable to the node before then, so it cannot train honestly only
 * where it will be checked. The last segment is always among them: it ends in the model the user
 * receives, and a node that stops early and fakes its tail is caught there.
 */
export async function chooseSegments({ key, finalCommitment, segments, count }: { key: Uint8Array; finalCommitment: string; segments: number; count: number }): Promise<number[]> {
  if (!Number.isInteger(segments) || segments < 1) throw new RangeError(`a job has at least one segment, not ${segments}`);
  const wanted = Math.min(segments, Math.max(1, Math.floor(count)));
  const hmac = await crypto.subtle.importKey("raw", key as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const draws = randomStream(hmac, fromHex(finalCommitment));
  // A partial Fisher–Yates over the segments before the last, which is chosen already.
  const pool = Array.from({ length: segments - 1 }, (_, i) => i + 1);
  const chosen = [segments];
  for (let i = 0; chosen.length < wanted; i++) {
    const j = i + (await uniformBelow(draws, pool.length - i));
    [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
    chosen.push(pool[i] as number);
  }
  return chosen.sort((a, b) => a - b);
}

/** 32-bit numbers from HMAC(key, message ‖ counter), counter 0, 1, …: as many as a draw needs. */
function randomStream(key: CryptoKey, message: Uint8Array): () => Promise<number> {
  let block: DataView | undefined;
  let counter = 0;
  let at = 32;
  return async () => {
    if (at === 32) {
      const input = new Uint8Array(message.length + 4);
      input.set(message);
      new DataView(input.buffer).setUint32(message.length, counter++);
      block = new DataView(await crypto.subtle.sign("HMAC", key, input));
      at = 0;
    }
    const value = (block as DataView).getUint32(at);
    at += 4;
    return value;
  };
}

/** Uniform in [0, n): rejection sampling, so that no segment is likelier than another. */
async function uniformBelow(next: () => Promise<number>, n: number): Promise<number> {
  const limit = 2 ** 32 - (2 ** 32 % n);
  for (;;) {
    const value = await next();
    if (value < limit) return value % n;
  }
}
