import { describe, expect, it } from "vitest";
import { chainCommitment, genesisCommitment, stateHash, verifyChain, type ChainLink, type TrainingState } from "./commitment";

const state = (): TrainingState => ({
  weights: [
    { name: "dense/kernel", shape: [2, 3], dtype: "float32", values: Float32Array.from([0.1, -0.2, 0.3, 0.4, 0.5, -0.6]) },
    { name: "dense/bias", shape: [3], dtype: "float32", values: Float32Array.from([0, 0.01, -0.01]) },
  ],
  optimizer: [
    { name: "iter", shape: [], dtype: "int32", values: Int32Array.from([7]) },
    { name: "dense/kernel/m", shape: [2, 3], dtype: "float32", values: new Float32Array(6).fill(1e-3) },
  ],
});

async function chainOf(hashes: string[], genesis: string): Promise<ChainLink[]> {
  const links: ChainLink[] = [];
  let previous = genesis;
  for (const [i, hash] of hashes.entries()) {
    previous = await chainCommitment(previous, i + 1, hash);
    links.push({ index: i + 1, stateHash: hash, commitment: previous });
  }
  return links;
}

describe("stateHash", () => {
  it("is the same for the same state, held in other arrays", async () => {
    expect(await stateHash(state())).toBe(await stateHash(state()));
    expect(await stateHash(state())).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes when any one bit of any tensor changes", async () => {
    const reference = await stateHash(state());
    for (const section of ["weights", "optimizer"] as const) {
      for (const [t, tensor] of state()[section].entries()) {
        for (let bit = 0; bit < tensor.values.length * 32; bit += 13) {
          const changed = state();
          const target = changed[section][t] as (typeof changed.weights)[number];
          const bytes = new Uint8Array(target.values.buffer);
          bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
          expect(await stateHash(changed)).not.toBe(reference);
        }
      }
    }
  });

  it("covers weight names, shapes, dtypes and which section a tensor is in, not tfjs's names for optimizer slots", async () => {
    const reference = await stateHash(state());
    const renamed = state();
    (renamed.weights[1] as { name: string }).name = "dense/bias2";
    const slotRenamed = state();
    (slotRenamed.optimizer[1] as { name: string }).name = "dense_7/kernel_3/m";
    expect(await stateHash(slotRenamed)).toBe(reference);
    const reshaped = state();
    (reshaped.weights[0] as { shape: number[] }).shape = [3, 2];
    const moved = state();
    moved.optimizer.unshift(moved.weights.pop() as (typeof moved.weights)[number]);
    const swapped = state();
    swapped.weights.reverse();
    for (const other of [renamed, reshaped, moved, swapped]) expect(await stateHash(other)).not.toBe(reference);
  });
});

describe("the commitment chain", () => {
  const hashes = ["11", "22", "33", "44"].map((b) => b.repeat(32));

  it("verifies an honest chain and hands back its final commitment", async () => {
    const genesis = await genesisCommitment("job-1", "ab".repeat(32));
    const links = await chainOf(hashes, genesis);
    const recorded = new Map(links.map((l) => [l.index, l.commitment]));
    expect(await verifyChain(genesis, links, recorded)).toEqual({ ok: true, final: links[3]?.commitment });
  });

  it("ties the genesis to the job and the initial weights", async () => {
    const genesis = await genesisCommitment("job-1", "ab".repeat(32));
    expect(await genesisCommitment("job-2", "ab".repeat(32))).not.toBe(genesis);
    expect(await genesisCommitment("job-1", "ac".repeat(32))).not.toBe(genesis);
    // Another job's chain, moved over whole, fails at its first link.
    const foreign = await chainOf(hashes, await genesisCommitment("job-2", "ab".repeat(32)));
    expect(await verifyChain(genesis, foreign)).toMatchObject({ ok: false, index: 1 });
  });

  it("detects a rewritten, reordered, dropped or inserted link", async () => {
    const genesis = await genesisCommitment("job-1", "ab".repeat(32));
    const links = await chainOf(hashes, genesis);
    const recorded = new Map(links.map((l) => [l.index, l.commitment]));
    const rewritten = links.map((l) => (l.index === 2 ? { ...l, stateHash: "99".repeat(32) } : l));
    expect(await verifyChain(genesis, rewritten, recorded)).toMatchObject({ ok: false, index: 2 });
    // Rewritten and every later link recomputed: consistent in itself, but not what was committed.
    const recomputed = await chainOf(["11".repeat(32), "99".repeat(32), "33".repeat(32), "44".repeat(32)], genesis);
    expect(await verifyChain(genesis, recomputed)).toMatchObject({ ok: true });
    expect(await verifyChain(genesis, recomputed, recorded)).toMatchObject({ ok: false, index: 2, reason: expect.stringContaining("recorded") });
    const reordered = [links[0], links[2], links[1], links[3]] as ChainLink[];
    expect(await verifyChain(genesis, reordered, recorded)).toMatchObject({ ok: false, index: 2 });
    const renumbered = reordered.map((l, i) => ({ ...l, index: i + 1 }));
    expect(await verifyChain(genesis, renumbered, recorded)).toMatchObject({ ok: false, index: 2 });
    const dropped = links.filter((l) => l.index !== 3);
    expect(await verifyChain(genesis, dropped, recorded)).toMatchObject({ ok: false, index: 3 });
    expect(await verifyChain(genesis, links.slice(0, 3), recorded)).toMatchObject({ ok: false, index: 4, reason: expect.stringContaining("missing") });
    const inserted = [links[0], { index: 2, stateHash: "55".repeat(32), commitment: await chainCommitment(links[0]?.commitment as string, 2, "55".repeat(32)) }, ...links.slice(1)] as ChainLink[];
    expect(await verifyChain(genesis, inserted, recorded)).toMatchObject({ ok: false, index: 2 });
  });
});
