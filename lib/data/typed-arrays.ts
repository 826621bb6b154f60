/** One typed array holding the parts back to back; `make` allocates the result (of the parts' kind). */
export function concatenate<T extends Uint8Array | Int32Array | Float32Array>(parts: readonly T[], make: (length: number) => T): T {
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}
