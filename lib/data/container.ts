/**
 * The layout CyxWiz's binary files share (datasets "CXDS", training checkpoints "CXCK"): a
 * 4-character magic, a u32 format version, a u32 header length, the UTF-8 JSON header, then typed
 * arrays back to back, each starting 8-aligned, little-endian. Readers get views onto the bytes,
 * not copies.
 */
export type StoredDtype = "uint8" | "int32" | "float32";
export type StoredArray = Uint8Array | Int32Array | Float32Array;

/** Why a file could not be opened; each format words it for its own users. */
export type ContainerProblem = "foreign" | "version" | "header" | "truncated";

export class ContainerError extends Error {
  constructor(
    readonly problem: ContainerProblem,
    message: string,
    /** The format version found, for "version". */
    readonly version?: number,
  ) {
    super(message);
  }
}

const align8 = (n: number) => (n + 7) & ~7;
export const bytesPer = (dtype: StoredDtype) => (dtype === "uint8" ? 1 : 4);

/**
 * A file's layout before its arrays are at hand: the leading bytes (magic, version, header
 * length, header), where each array of the given byte length starts, and the file's size.
 */
export function containerLayout(magic: string, version: number, header: unknown, byteLengths: number[]): { head: Uint8Array; offsets: number[]; size: number } {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(12 + json.length);
  head.set(new TextEncoder().encode(magic), 0);
  const view = new DataView(head.buffer);
  view.setUint32(4, version, true);
  view.setUint32(8, json.length, true);
  head.set(json, 12);
  let at = head.length;
  const offsets = byteLengths.map((length) => {
    const start = align8(at);
    at = start + length;
    return start;
  });
  return { head, offsets, size: at };
}

export function encodeContainer(magic: string, version: number, header: unknown, arrays: StoredArray[]): Uint8Array {
  const { head, offsets, size } = containerLayout(magic, version, header, arrays.map((a) => a.byteLength));
  const out = new Uint8Array(size);
  out.set(head, 0);
  arrays.forEach((array, i) => out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offsets[i] as number));
  return out;
}

/** An opened file: its parsed header, and its arrays read in order. */
export interface OpenedContainer {
  header: unknown;
  /** The next array, of count elements. */
  next(count: number, dtype: StoredDtype): StoredArray;
  /** How many bytes follow the last array read: a whole file has none. */
  trailing(): number;
}

export function openContainer(bytes: Uint8Array, magic: string, version: number): OpenedContainer {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== magic) throw new ContainerError("foreign", `not a ${magic} file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(4, true);
  if (found !== version) throw new ContainerError("version", `unsupported ${magic} version ${found}`, found);
  const length = view.getUint32(8, true);
  if (12 + length > bytes.length) throw new ContainerError("truncated", `the ${magic} file is truncated`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  } catch (error) {
    throw new ContainerError("header", `the ${magic} header is not JSON: ${(error as Error).message}`);
  }
  // Typed views need aligned offsets: copy once if the caller's buffer is not 8-aligned.
  const base = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  let at = 12 + length;
  return {
    header,
    next(count, dtype) {
      const start = align8(at);
      if (start + count * bytesPer(dtype) > base.length) throw new ContainerError("truncated", `the ${magic} file is truncated`);
      at = start + count * bytesPer(dtype);
      const offset = base.byteOffset + start;
      if (dtype === "uint8") return new Uint8Array(base.buffer, offset, count);
      if (dtype === "int32") return new Int32Array(base.buffer, offset, count);
      return new Float32Array(base.buffer, offset, count);
    },
    trailing: () => base.length - at,
  };
}
