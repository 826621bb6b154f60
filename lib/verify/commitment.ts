import type { StoredTensor } from "../train/checkpoint";

/** What a commitment covers: the model's weights and the optimizer's state, in the order the graph gives them. */
export interface TrainingState {
  weights: StoredTensor[];
  optimizer: StoredTensor[];
}

/** Versioned so that a change of encoding can never make an old hash collide with a new one. */
const DOMAIN = "cyxwiz-verify-v1";

const utf8 = new TextEncoder();

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

export const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export function fromHex(hex: string): Uint8Array {
  if (!/^([0-9a-f]{2})*$/.test(hex)) throw new Error(`not a lower-case hex string: ${hex.slice(0, 16)}`);
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const uint32 = (value: number) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
};

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A tensor's values as little-endian bytes whatever the machine, so that every platform hashes alike. */
function valueBytes(values: Float32Array | Int32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  if (values instanceof Float32Array) values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else values.forEach((v, i) => view.setInt32(i * 4, v, true));
  return out;
}

/**
 * Every field is length-prefixed, so no two different states share an encoding: a name cannot
 * run into a shape, nor a weight into an optimizer slot. Optimizer slots are named after tfjs's
 * process-unique variable names ("dense_1/kernel_3/m"), which differ between honest runs, so
 * they count by position only; their order follows the weights'.
 */
function encodeTensor(section: "w" | "o", tensor: StoredTensor): Uint8Array {
  const name = utf8.encode(section === "w" ? tensor.name : "");
  const values = valueBytes(tensor.values);
  return concat([
    utf8.encode(section),
    uint32(name.length),
    name,
    utf8.encode(tensor.dtype === "int32" ? "i" : "f"),
    uint32(tensor.shape.length),
    ...tensor.shape.map(uint32),
    uint32(values.length),
    values,
  ]);
}

/** SHA-256 (hex) of a training state: every weight, then every optimizer slot, with its name, dtype, shape and bits. */
export async function stateHash(state: TrainingState): Promise<string> {
  const parts = [
    utf8.encode(DOMAIN),
    uint32(state.weights.length),
    uint32(state.optimizer.length),
    ...state.weights.map((t) => encodeTensor("w", t)),
    ...state.optimizer.map((t) => encodeTensor("o", t)),
  ];
  return toHex(await sha256(concat(parts)));
}

/** The chain's first link: it ties the chain to one job and to the initial weights the server fixed. */
export async function genesisCommitment(jobId: string, initialStateHash: string): Promise<string> {
  const id = utf8.encode(jobId);
  return toHex(await sha256(concat([utf8.encode(DOMAIN), uint32(id.length), id, fromHex(initialStateHash)])));
}

/** SHA-256(previous ‖ index ‖ stateHash): link `index` (1 for the state after the first segment). */
export async function chainCommitment(previous: string, index: number, hash: string): Promise<string> {
  return toHex(await sha256(concat([fromHex(previous), uint32(index), fromHex(hash)])));
}

/** One link as a node reports it: the state at the end of segment `index` and the commitment over it. */
export interface ChainLink {
  index: number;
  stateHash: string;
  commitment: string;
}

export type ChainCheck = { ok: true; final: string } | { ok: false; index: number; reason: string };

/**
 * Checks reported links against the genesis, and against the commitments the server recorded as
 * they arrived (`recorded`, by index): a node that rewrites a link and recomputes every later one
 * still produces a self-consistent chain, which only the recorded commitments expose.
 */
export async function verifyChain(genesis: string, links: readonly ChainLink[], recorded: ReadonlyMap<number, string> = new Map()): Promise<ChainCheck> {
  let previous = genesis;
  for (const [position, link] of links.entries()) {
    const index = position + 1;
    if (link.index !== index) return { ok: false, index, reason: `link ${position + 1} claims index ${link.index}: links must be consecutive from 1` };
    const expected = await chainCommitment(previous, index, link.stateHash);
    if (link.commitment !== expected) return { ok: false, index, reason: `link ${index}'s commitment does not follow from the previous link and its state hash` };
    const seen = recorded.get(index);
    if (seen !== undefined && seen !== link.commitment) return { ok: false, index, reason: `link ${index} differs from the commitment recorded when it arrived` };
    previous = link.commitment;
  }
  for (const index of recorded.keys()) if (index > links.length) return { ok: false, index, reason: `link ${index} was committed but is missing` };
  return { ok: true, final: previous };
}
